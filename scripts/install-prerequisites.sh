#!/usr/bin/env bash
# What the build and the tests need beyond the .NET 10 SDK, checked (and installed where a registry this
# machine reaches serves it). moto 5.2.1 (moto_server), cfn-lint and aws-sam-translator come with these
# machines' Python; PyPI is not reachable here, so they are checked, not installed.
set -euo pipefail
missing=0
need() { if ! command -v "$1" >/dev/null 2>&1; then echo "missing: $1 ($2)"; missing=1; fi; }
need dotnet ".NET 10 SDK"
need python3 "Python 3"
need curl "curl"
# Native AOT links with gcc on this machine (clang is not installed); Debian's packages are reachable.
if ! command -v gcc >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq gcc zlib1g-dev >/dev/null
fi
if ! command -v moto_server >/dev/null 2>&1 || ! command -v cfn-lint >/dev/null 2>&1; then
  # Where PyPI is reachable, this installs them; here they are expected to be present already.
  python3 -m pip install --quiet 'moto[server]==5.2.1' cfn-lint aws-sam-translator || true
fi
# The console's browser test drives Debian's Chromium through Debian's chromedriver (never a downloaded browser).
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null
fi
need chromium "apt-get install chromium"
need chromedriver "apt-get install chromium-driver"
need openapi-spec-validator "pip install openapi-spec-validator"
need moto_server "pip install 'moto[server]==5.2.1'"
need cfn-lint "pip install cfn-lint aws-sam-translator"
python3 -c 'import samtranslator' 2>/dev/null || { echo "missing: aws-sam-translator (pip install aws-sam-translator)"; missing=1; }
exit "$missing"

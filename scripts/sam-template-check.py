#!/usr/bin/env python3
"""What SAM CLI and the SAM transform make of this repository, without an AWS account (used by the tests).

Prints one JSON object:
  build_template:  the template `sam build` reads (SAM CLI's rule: --template, else samconfig.toml's
                   [default.build.parameters] or [default.global.parameters] template_file, else the first of
                   template.yaml, template.yml, template.json in the folder), or null when it finds none;
  deploy_template: the template_file samconfig.toml gives `sam deploy` (null: it deploys .aws-sam/build);
  stack_name:      samconfig.toml's stack name for deploy/delete;
  transformed:     the CloudFormation template samtranslator makes of it, with every function's CodeUri
                   replaced by an S3 location as `sam deploy` (or `dotnet lambda deploy-serverless`) would;
  auth_questions:  the functions `sam deploy --guided` asks "<Function> has no authentication. Is this okay?"
                   about (SAM CLI's samcli/commands/deploy/auth_utils.py: an Api/HttpApi event counts as
                   authenticated when it has Auth, or when the API it names has Auth or a DefinitionBody with
                   security).
"""
import json
import os
import sys
import tomllib

root = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()
config_path = os.path.join(root, "samconfig.toml")
config = tomllib.load(open(config_path, "rb")) if os.path.exists(config_path) else {}
env = config.get("default", {})


def option(command, name):
    value = env.get(command, {}).get("parameters", {}).get(name)
    return value if value is not None else env.get("global", {}).get("parameters", {}).get(name)


build_template = option("build", "template_file")
if build_template is None:
    build_template = next((n for n in ("template.yaml", "template.yml", "template.json") if os.path.exists(os.path.join(root, n))), None)
if build_template is not None and not os.path.exists(os.path.join(root, build_template)):
    build_template = None


def auth_questions(template):
    resources = template.get("Resources", {})
    questions = []
    for name, resource in resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event in (resource.get("Properties", {}).get("Events") or {}).values():
            for event_type, identifier in (("Api", "RestApiId"), ("HttpApi", "ApiId")):
                if event.get("Type") != event_type:
                    continue
                properties = event.get("Properties", {})
                if properties.get("Auth"):
                    continue
                api_id = properties.get(identifier, "")
                api_id = api_id.get("Ref", "") if isinstance(api_id, dict) else api_id
                api = resources.get(api_id, {})
                body = api.get("Properties", {}).get("DefinitionBody") or {}
                secured = any(isinstance(op, dict) and op.get("security") for ops in body.get("paths", {}).values() for op in ops.values())
                if api.get("Type") in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api") or api.get("Properties", {}).get("Auth") or secured or body.get("security"):
                    continue
                questions.append(name)
    return questions


transformed = None
questions = None
if build_template is not None:
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-2")
    from samtranslator.translator.transform import transform

    template = json.load(open(os.path.join(root, build_template)))
    questions = auth_questions(template)
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource.setdefault("Properties", {})["CodeUri"] = "s3://artifact-bucket/delayed-http-tasks/functions.zip"
    globals_function = template.get("Globals", {}).get("Function", {})
    if "CodeUri" in globals_function:
        globals_function["CodeUri"] = "s3://artifact-bucket/delayed-http-tasks/functions.zip"

    class NoManagedPolicies:
        def load(self):
            return {}

    transformed = transform(template, {}, NoManagedPolicies())

json.dump({
    "build_template": build_template,
    "deploy_template": option("deploy", "template_file"),
    "stack_name": option("deploy", "stack_name"),
    "transformed": transformed,
    "auth_questions": questions,
}, sys.stdout)

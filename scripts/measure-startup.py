#!/usr/bin/env python3
"""Cold-start figure for the README: time from starting the function's process to its first response.

Serves the Lambda Runtime API (2018-06-01) on 127.0.0.1 itself, starts the function as Lambda does
(`dotnet exec Functions.dll`, or the Native AOT `bootstrap`), hands it events/health.json, and times
  init  = process start -> first GET /invocation/next (runtime start, JIT, composition root)
  first = process start -> POST /invocation/{id}/response of the first event
over N fresh processes. Usage:
  dotnet build src/Functions -c Release
  python3 scripts/measure-startup.py [--runs 20] [--bootstrap artifacts/bootstrap/bootstrap]
  # the package the deploy tools build (RID-specific, framework-dependent, ReadyToRun):
  dotnet publish src/Functions -c Release -r linux-x64 --self-contained false -o artifacts/managed-r2r
  python3 scripts/measure-startup.py --dll artifacts/managed-r2r/Functions.dll
"""
import argparse, http.server, json, os, pathlib, statistics, subprocess, threading, time, uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
EVENT = (ROOT / "events" / "health.json").read_bytes()


def one_run(command):
    marks = {}
    done = threading.Event()

    class Api(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if "next" not in marks:
                marks["next"] = time.perf_counter()
            if "response" in marks:  # one event per process
                done.wait(10)
                return
            self.send_response(200)
            self.send_header("Lambda-Runtime-Aws-Request-Id", str(uuid.uuid4()))
            self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
            self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:local:000000000000:function:measure")
            self.send_header("Content-Length", str(len(EVENT)))
            self.end_headers()
            self.wfile.write(EVENT)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            marks["response"] = time.perf_counter()
            marks["ok"] = self.path.endswith("/response") and json.loads(body)["statusCode"] == 200
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()
            done.set()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
           "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_address[1]}",
           "AWS_REGION": "ap-northeast-2", "FUNCTION_HANDLER": "HealthFunction"}
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not done.wait(60) or not marks.get("ok"):
            raise SystemExit(f"no good response from {command}")
    finally:
        process.kill()
        process.wait()
        server.shutdown()
    return (marks["next"] - start) * 1000, (marks["response"] - start) * 1000


def report(name, command, runs):
    one_run(command)  # warm the disk cache; not counted
    samples = [one_run(command) for _ in range(runs)]
    for label, index in (("init (start -> first /next)", 0), ("first response", 1)):
        values = sorted(s[index] for s in samples)
        print(f"{name:8} {label:28} median {statistics.median(values):7.1f} ms   "
              f"min {values[0]:7.1f}   max {values[-1]:7.1f}   (n={runs})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--configuration", default="Release")
    parser.add_argument("--bootstrap", help="path of a Native AOT bootstrap to measure too")
    parser.add_argument("--dll", help="path of the Functions.dll to measure (a publish folder's); default: the build's")
    args = parser.parse_args()
    dll = pathlib.Path(args.dll) if args.dll else ROOT / "src" / "Functions" / "bin" / args.configuration / "net10.0" / "Functions.dll"
    report("managed", ["dotnet", "exec", str(dll)], args.runs)
    if args.bootstrap:
        report("native", [args.bootstrap], args.runs)


if __name__ == "__main__":
    main()

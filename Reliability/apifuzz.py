#!/usr/bin/env python3
"""API fuzzing: schemathesis against docs/openapi.yaml, through a loopback TCP bridge to the daemon's
Unix socket (test-only: the daemon itself has no TCP listener).

Starts `tacit-crashd HOME` on a fresh test home, enrolls an operator with the bootstrap code and a
group with a facilitator and a member (a cycle, an entry, a share), then runs schemathesis once with
the operator's bearer token and once with the member's, every operation, with the checks that
matter here: no 5xx, status codes, content types, headers and bodies as the document says. The
session-ending operations run last, in a pass of their own. Exit status 0 only when every pass is
clean. Usage:

    Reliability/apifuzz.py --crashd PATH [--examples N] [--report DIR]
"""
import argparse, asyncio, datetime, http.client, json, os, shutil, socket, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSPHRASE = "a long practice passphrase for the API fuzzer"
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance")
SESSION_ENDERS = ["logoutAll", "logout"]


class Bridge:
    """127.0.0.1:PORT → the Unix socket, one Unix connection per TCP connection."""

    def __init__(self, socket_path):
        self.socket_path = socket_path
        self.loop = asyncio.new_event_loop()
        self.port = None
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(10)

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _client(self, tcp_reader, tcp_writer):
        try:
            unix_reader, unix_writer = await asyncio.open_unix_connection(self.socket_path)
        except OSError:
            tcp_writer.close()
            return

        async def pipe(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                try:
                    writer.close()
                except Exception:
                    pass

        await asyncio.gather(pipe(tcp_reader, unix_writer), pipe(unix_reader, tcp_writer))


def call(port, method, path, body=None, token=None, expect=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    if expect and response.status != expect:
        raise SystemExit(f"setup: {method} {path} answered {response.status}: {data[:300]!r}")
    return json.loads(data) if data and response.getheader("Content-Type", "").startswith("application/json") else data


def organise(port, home):
    code = open(os.path.join(home, "Keys", "bootstrap-code")).read().strip()
    def enroll(name, code):
        call(port, "POST", "/v1/enroll", {"code": code, "name": name, "passphrase": PASSPHRASE}, expect=201)
        return call(port, "POST", "/v1/sessions", {"name": name, "passphrase": PASSPHRASE}, expect=201)["token"]
    operator = enroll("olivia", code)
    call(port, "POST", "/v1/groups", {"name": "north"}, operator, expect=201)
    tokens = {}
    for name, role in [("fiona", "facilitator"), ("ali", "member"), ("bea", "member")]:
        invitation = call(port, "POST", "/v1/invitations", {"name": name, "role": role, "group": "north"}, operator, expect=201)
        tokens[name] = enroll(name, invitation["code"])
    now = datetime.datetime.now(datetime.timezone.utc)
    iso = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
    call(port, "POST", "/v1/cycles", {"group": "north", "session1": iso(now - datetime.timedelta(days=1)),
                                       "session2": iso(now + datetime.timedelta(days=40)), "topics": ["Delegation"]},
         tokens["fiona"], expect=201)
    entry = call(port, "POST", "/v1/entries", {"title": "a note", "body": "practice", "tags": ["x"], "topic": "Delegation"},
                 tokens["ali"], expect=201)
    call(port, "POST", "/v1/shares", {"entry": entry["id"], "group": True, "with": []}, tokens["ali"], expect=201)
    return operator, tokens["ali"]


def schemathesis(port, token, examples, report, label, include=None, exclude=None):
    command = [os.path.join(ROOT, ".venv", "bin", "schemathesis"), "run", os.path.join(ROOT, "docs", "openapi.yaml"),
               "--url", f"http://127.0.0.1:{port}", "--header", f"Authorization: Bearer {token}",
               "--checks", CHECKS, "--max-examples", str(examples), "--workers", "1", "--seed", "8",
               "--phases", "examples,coverage,fuzzing", "--suppress-health-check", "all",
               "--request-timeout", "30", "--report", "junit",
               "--report-junit-path", os.path.join(report, f"{label}.xml")]
    for operation in include or []:
        command += ["--include-operation-id", operation]
    for operation in exclude or []:
        command += ["--exclude-operation-id", operation]
    print(f"== schemathesis as {label}", flush=True)
    log = os.path.join(report, f"{label}.log")
    with open(log, "w") as output:
        status = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, env={**os.environ, "NO_COLOR": "1"}).returncode
    text = open(log).read()
    tail = text[text.rfind("SUMMARY"):] if "SUMMARY" in text else text[-3000:]
    print(tail.strip()[:4000], flush=True)
    return status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--crashd", required=True)
    parser.add_argument("--examples", type=int, default=50)
    parser.add_argument("--report", default=os.path.join(ROOT, "Reliability", "last-apifuzz"))
    arguments = parser.parse_args()
    os.makedirs(arguments.report, exist_ok=True)
    home = tempfile.mkdtemp(prefix="ta-", dir="/tmp")
    with open(os.path.join(home, "tacit.json"), "w") as config:
        json.dump({"testing": True, "scryptLog2N": 10}, config)
    log = open(os.path.join(home, "daemon.log"), "w")
    daemon = subprocess.Popen([arguments.crashd, home], stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "SWIFT_BACKTRACE": "enable=no", "TACIT_LOG_LEVEL": "info"})
    socket_path = os.path.join(home, "tacit.sock")
    try:
        for _ in range(3000):
            if os.path.exists(socket_path):
                break
            if daemon.poll() is not None:
                raise SystemExit("the daemon exited at start: " + open(os.path.join(home, "daemon.log")).read()[-2000:])
            time.sleep(0.01)
        bridge = Bridge(socket_path)
        operator, member = organise(bridge.port, home)
        statuses = [
            # The member first: the operator's pass may disable members, which ends their sessions.
            schemathesis(bridge.port, member, arguments.examples, arguments.report, "member", exclude=SESSION_ENDERS),
            schemathesis(bridge.port, operator, arguments.examples, arguments.report, "operator", exclude=SESSION_ENDERS),
            schemathesis(bridge.port, operator, arguments.examples, arguments.report, "session-enders", include=SESSION_ENDERS),
        ]
        alive = daemon.poll() is None
        errors = [line for line in open(os.path.join(home, "daemon.log")) if " error " in line.lower() or "Fatal" in line]
        print(f"apifuzz: passes {statuses} (0 = clean), daemon alive afterwards: {alive}, error log lines: {len(errors)}")
        for line in errors[:10]:
            print("  " + line.rstrip()[:300])
        return 0 if alive and not any(statuses) else 1
    finally:
        daemon.terminate()
        try:
            daemon.wait(20)
        except subprocess.TimeoutExpired:
            daemon.kill()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Differential test: Tacit's policy engine against the real Cedar (cedarpy).

Three kinds of requests go through `tacit policy eval` (one process, JSON lines) and through
`cedarpy.is_authorized_batch`, and their decisions, determining policies and erroring policies
must agree:

  1. the worked examples of the base policy (`tacit policy scenarios`), also checked against
     their expected answers;
  2. random requests against the base policy over random worlds that fit Tacit's schema;
  3. random policies within Tacit's Cedar subset over random untyped entity stores
     (`"validate": false`).

It also generates typed policies over Tacit's schema (`tacit policy schema`): every policy Tacit's
validator accepts must pass Cedar's validator (Tacit may be stricter, never laxer), and it checks
`tacit policy check`'s messages and exit codes.

The one allowed difference is Tacit's documented one: a forbid whose condition errors denies in
Tacit (and is listed among the determining policies), where Cedar skips it. The checker derives
Tacit's expected answer from Cedar's by applying exactly that rule.

Usage: python differential.py --tacit PATH/TO/tacit [--requests N] [--seed S] [--bench]
Prints `N passed, M failed` last; exits 1 on any mismatch.
"""

import argparse
import json
import random
import re
import subprocess
import sys
import time

import cedarpy

CEDAR_ERROR = re.compile(r"policy `([^`]+)`")


# ---------------------------------------------------------------------------- running both engines

def run_tacit(tacit, lines):
    """Decides JSON lines with `tacit policy eval`; returns one parsed answer per line."""
    payload = "".join(json.dumps(line) + "\n" for line in lines)
    proc = subprocess.run([tacit, "policy", "eval"], input=payload, capture_output=True, text=True)
    answers = [json.loads(out) for out in proc.stdout.splitlines()]
    if len(answers) != len(lines):
        sys.exit(f"tacit policy eval answered {len(answers)} lines for {len(lines)} (exit {proc.returncode}): {proc.stderr[:500]}")
    return answers


def run_cedar(policy_text, entities, requests):
    """Decides requests with cedarpy; returns (decision, reasons, errored policy ids) per request."""
    results = cedarpy.is_authorized_batch(requests, policy_text, entities)
    out = []
    for result in results:
        errored = set()
        for message in result.diagnostics.errors:
            match = CEDAR_ERROR.search(message)
            if not match:
                raise RuntimeError(f"cedar error without a policy: {message}")
            errored.add(match.group(1))
        decision = "allow" if result.decision == cedarpy.Decision.Allow else "deny"
        out.append((decision, set(result.diagnostics.reasons), errored))
    return out


def expected_from_cedar(cedar, effects, ids):
    """Tacit's expected answer from Cedar's, applying the one documented difference.

    `effects` maps Cedar's policy names (policy0, policy1, …) to permit/forbid; `ids` maps them to
    Tacit's ids (the @id, or policyN within the file for unnamed policies)."""
    decision, reasons, errored = cedar
    errored_forbids = {p for p in errored if effects[p] == "forbid"}
    if errored_forbids:
        # Cedar skipped these forbids; Tacit denies because of them.
        satisfied_forbids = {p for p in reasons if effects[p] == "forbid"} if decision == "deny" else set()
        return "deny", sorted(ids[p] for p in satisfied_forbids | errored_forbids), sorted(ids[p] for p in errored)
    return decision, sorted(ids[p] for p in reasons), sorted(ids[p] for p in errored)


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.forbid_errors = 0
        self.shown = 0

    def check(self, label, expected, tacit, context):
        got = (tacit.get("decision"), sorted(tacit.get("determining", [])),
               sorted({e["policy"] for e in tacit.get("errors", [])}))
        if "error" not in tacit and got == expected:
            self.passed += 1
            return
        self.failed += 1
        if self.shown < 10:
            self.shown += 1
            print(f"MISMATCH [{label}]\n  expected (from cedar): {expected}\n  tacit: {tacit}\n  input: {json.dumps(context)[:3000]}\n")


# ---------------------------------------------------------------------------- 1. scenarios

def check_scenarios(tacit, tally):
    proc = subprocess.run([tacit, "policy", "scenarios"], capture_output=True, text=True, check=True)
    scenarios = [json.loads(line) for line in proc.stdout.splitlines()]
    base_text = subprocess.run([tacit, "policy", "base"], capture_output=True, text=True, check=True).stdout
    answers = run_tacit(tacit, [{k: s[k] for k in ("entities", "request", "operator") if k in s} for s in scenarios])
    for scenario, answer in zip(scenarios, answers):
        wanted = scenario["expected"]
        if (answer.get("decision"), answer.get("determining")) != (wanted["decision"], wanted["determining"]):
            tally.failed += 1
            print(f"SCENARIO FAILED: {scenario['name']}: expected {wanted}, tacit said {answer}")
            continue
        text = base_text + "\n" + scenario.get("operator", "")
        policy_list = scenario["policyList"]
        effects = {f"policy{i}": p["effect"] for i, p in enumerate(policy_list)}
        ids = {f"policy{i}": p["id"] for i, p in enumerate(policy_list)}
        cedar = run_cedar(text, scenario["entities"], [scenario["request"]])[0]
        tally.check("scenario: " + scenario["name"], expected_from_cedar(cedar, effects, ids), answer, scenario)
    return scenarios, base_text


# ---------------------------------------------------------------------------- 2. the base policy, random worlds

ACTIONS = {
    "writeEntry": "Entry", "readEntry": "Entry", "editEntry": "Entry", "deleteEntry": "Entry",
    "shareEntry": "Share", "readShared": "Entry", "revokeShare": "Share", "seeReaders": "Share",
    "scheduleCycle": "Cycle", "buildAgenda": "Cycle", "createGroup": "Group", "addMember": "Group",
    "removeMember": "Group", "appointFacilitator": "Group", "exportMetrics": "Export",
    "invite": "Member", "disablePrincipal": "Member", "backup": "Instance", "restore": "Instance",
}
PHASES = ["planning", "session-1", "practice", "reflection", "session-2", "closed"]
NOW = 1_767_225_600


def ref(type_, id_):
    return {"__entity": {"type": type_, "id": id_}}


def uid(type_, id_):
    return {"type": type_, "id": id_}


def random_world(rng):
    groups = [f"g{i}" for i in range(rng.randint(1, 3))]
    members = [f"m{i}" for i in range(rng.randint(2, 8))]
    cycles = [f"c{i}" for i in range(rng.randint(1, 3))]
    entries = [f"e{i}" for i in range(rng.randint(1, 5))]
    shares = [f"s{i}" for i in range(rng.randint(1, 5))]
    exports = ["x0", "x1"]
    entities = []
    for g in groups:
        facilitators = rng.sample(members, rng.randint(0, 2))
        entities.append({"uid": uid("Group", g), "attrs": {"facilitators": [ref("Member", m) for m in facilitators]}, "parents": []})
    for m in members:
        role = rng.choice(["member"] * 6 + ["compliance", "operator"])
        entities.append({"uid": uid("Member", m), "attrs": {"role": role, "disabled": rng.random() < 0.1},
                         "parents": [uid("Group", g) for g in rng.sample(groups, rng.randint(0, len(groups)))]})
    for c in cycles:
        entities.append({"uid": uid("Cycle", c), "attrs": {"group": ref("Group", rng.choice(groups)), "phase": rng.choice(PHASES)}, "parents": []})
    authors = {}
    for e in entries:
        authors[e] = rng.choice(members)
        entities.append({"uid": uid("Entry", e), "attrs": {
            "author": ref("Member", authors[e]), "group": ref("Group", rng.choice(groups)),
            "cycle": ref("Cycle", rng.choice(cycles)), "deleted": rng.random() < 0.15}, "parents": []})
    for s in shares:
        e = rng.choice(entries)
        author = authors[e] if rng.random() < 0.7 else rng.choice(members)
        entities.append({"uid": uid("Share", s), "attrs": {
            "entry": ref("Entry", e), "author": ref("Member", author),
            "audience": [ref("Member", m) for m in rng.sample(members, rng.randint(0, len(members)))],
            "expiresAt": NOW + rng.randint(-2, 2), "revoked": rng.random() < 0.15}, "parents": []})
    for x in exports:
        entities.append({"uid": uid("Export", x), "attrs": {"period": "2026-01", "groups": rng.randint(0, 6), "members": rng.randint(0, 30)}, "parents": []})
    entities.append({"uid": uid("Instance", "tacit"), "attrs": {}, "parents": []})
    names = {"Group": groups, "Member": members, "Cycle": cycles, "Entry": entries, "Share": shares, "Export": exports,
             "Instance": ["tacit"]}
    # Now and then, a store that lacks an entity a request names: Cedar skips the failing forbid, Tacit denies.
    if rng.random() < 0.1:
        entities.pop(rng.randrange(len(entities)))
    return entities, names


def random_base_request(rng, names):
    action = rng.choice(list(ACTIONS))
    rtype = ACTIONS[action]
    context = {"now": NOW + rng.randint(-1, 1)}
    pick = lambda t: rng.choice(names[t])
    if action == "shareEntry":
        context["recipient"] = ref("Member", pick("Member"))
    elif action == "readShared":
        context["share"] = ref("Share", pick("Share"))
    elif action in ("addMember", "removeMember", "appointFacilitator"):
        context["member"] = ref("Member", pick("Member"))
    elif action == "exportMetrics":
        context.update({"epsilonRequested": rng.randint(-1, 6), "epsilonLeft": rng.randint(0, 6), "minGroups": 3, "minMembers": 15})
    return {"principal": uid("Member", pick("Member")), "action": uid("Action", action),
            "resource": uid(rtype, pick(rtype)), "context": context}


def check_base_policy(tacit, tally, count, rng, base_text, policy_list, timings):
    effects = {f"policy{i}": p["effect"] for i, p in enumerate(policy_list)}
    ids = {f"policy{i}": p["id"] for i, p in enumerate(policy_list)}
    lines, cedar_answers = [], []
    per_world = 20
    cedar_time = 0.0
    for _ in range(0, count, per_world):
        entities, names = random_world(rng)
        requests = [random_base_request(rng, names) for _ in range(per_world)]
        started = time.perf_counter()
        cedar_answers += run_cedar(base_text, entities, requests)
        cedar_time += time.perf_counter() - started
        lines += [{"entities": entities, "request": r} for r in requests]
    lines, cedar_answers = lines[:count], cedar_answers[:count]
    timings["base"] = (cedar_time, len(lines))
    for line, cedar, answer in zip(lines, cedar_answers, run_tacit(tacit, lines)):
        expected = expected_from_cedar(cedar, effects, ids)
        if cedar[2] and any(effects[p] == "forbid" for p in cedar[2]):
            tally.forbid_errors += 1
        tally.check("base policy", expected, answer, line)


# ---------------------------------------------------------------------------- 3. random policies

USERS = [f"u{i}" for i in range(4)]
GROUPS = [f"g{i}" for i in range(3)]
DOCS = [f"d{i}" for i in range(3)]
ACTION_NAMES = ["view", "edit", "share"]
PATTERNS = ["*", "a*", "*b*", "ab", "\\\\*", "a\\\\**", "", "*a*b", "\\*", "a\\**", "*é", "*\\n*", 'q\\"*']
STRINGS = ["a", "ab", "b", "", "a*b", "ba", "é", "a\nb", 'q"t', "back\\slash"]


def cedar_string(rng, text):
    """A Cedar string literal for `text`, escaping what must be escaped and, now and then,
    writing other characters as escapes too, so both parsers' escape handling is compared."""
    out = []
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "*":
            out.append("*")
        elif ord(ch) > 127 or rng.random() < 0.1:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def random_value(rng, depth=0):
    kind = rng.choice(["bool", "long", "string", "entity", "set", "record"] if depth < 2 else ["bool", "long", "string", "entity"])
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "long":
        return rng.choice([0, 1, 2, -1, 5, 9223372036854775807, -9223372036854775808])
    if kind == "string":
        return rng.choice(STRINGS)
    if kind == "entity":
        return ref(*random_uid(rng))
    if kind == "set":
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {k: random_value(rng, depth + 1) for k in rng.sample(["a", "b", "n"], rng.randint(0, 3))}


def random_uid(rng):
    type_ = rng.choice(["User", "User", "Group", "Doc"])
    pool = {"User": USERS + ["ghost"], "Group": GROUPS, "Doc": DOCS}[type_]
    return type_, rng.choice(pool)


def random_attrs(rng):
    attrs = {}
    if rng.random() < 0.7: attrs["flag"] = rng.random() < 0.5
    if rng.random() < 0.7: attrs["n"] = rng.choice([0, 1, 2, 3, -4, 9223372036854775807])
    if rng.random() < 0.6: attrs["name"] = rng.choice(STRINGS)
    if rng.random() < 0.6: attrs["owner"] = ref("User", rng.choice(USERS + ["ghost"]))
    if rng.random() < 0.6: attrs["tags"] = rng.sample(STRINGS, rng.randint(0, 3))
    if rng.random() < 0.5: attrs["readers"] = [ref("User", u) for u in rng.sample(USERS, rng.randint(0, 3))]
    if rng.random() < 0.4: attrs["rec"] = {"a": rng.randint(0, 3), "b": rng.choice(STRINGS)}
    if rng.random() < 0.1: attrs["odd"] = random_value(rng)
    return attrs


def random_store(rng):
    entities = []
    for u in USERS:
        entities.append({"uid": uid("User", u), "attrs": random_attrs(rng), "parents": [uid("Group", g) for g in rng.sample(GROUPS, rng.randint(0, 2))]})
    for i, g in enumerate(GROUPS):
        parents = [uid("Group", p) for p in GROUPS[i + 1:] if rng.random() < 0.4]
        entities.append({"uid": uid("Group", g), "attrs": random_attrs(rng), "parents": parents})
    for d in DOCS:
        entities.append({"uid": uid("Doc", d), "attrs": random_attrs(rng), "parents": [uid("Group", g) for g in rng.sample(GROUPS, rng.randint(0, 1))]})
    if rng.random() < 0.5:
        entities.append({"uid": uid("Action", "edit"), "attrs": {}, "parents": [uid("Action", "write")]})
    return entities


class ExprGen:
    """Random expressions in the subset. Mostly well-typed; now and then deliberately not, so
    evaluation errors (which both engines must report for the same policies) happen too."""

    def __init__(self, rng):
        self.rng = rng

    def lit_entity(self):
        t, i = random_uid(self.rng)
        return f'{t}::"{i}"'

    def entity(self, d):
        r = self.rng.random()
        if d <= 0 or r < 0.5:
            return self.rng.choice(["principal", "resource", "principal", self.lit_entity(), "action", "context.who"])
        if r < 0.8:
            return f"({self.entity(d - 1)}).owner"
        return f"(if {self.bool(d - 1)} then {self.entity(d - 1)} else {self.entity(d - 1)})"

    def long(self, d):
        r = self.rng.random()
        if d <= 0 or r < 0.3:
            return self.rng.choice(["0", "1", "2", "-3", "9223372036854775807", "-9223372036854775808", "context.n"])
        if r < 0.55:
            return f"{self.entity(d - 1)}.n"
        if r < 0.85:
            op = self.rng.choice(["+", "-", "*"])
            return f"({self.long(d - 1)} {op} {self.long(d - 1)})"
        if r < 0.93:
            return f"-({self.long(d - 1)})"
        return f"(if {self.bool(d - 1)} then {self.long(d - 1)} else {self.long(d - 1)})"

    def string(self, d):
        if d <= 0 or self.rng.random() < 0.5:
            return cedar_string(self.rng, self.rng.choice(STRINGS))
        return f'{self.entity(d - 1)}["name"]' if self.rng.random() < 0.3 else f"{self.entity(d - 1)}.name"

    def set(self, d):
        r = self.rng.random()
        if d <= 0 or r < 0.3:
            return self.rng.choice(["[]", "[1, 2]", '["a", "b"]', f"[{self.lit_entity()}, principal]", "context.tags",
                                    "[" + cedar_string(self.rng, self.rng.choice(STRINGS)) + "]"])
        if r < 0.6:
            return f"{self.entity(d - 1)}.{self.rng.choice(['tags', 'readers'])}"
        maker = self.rng.choice([self.long, self.string, self.entity])
        return "[" + ", ".join(maker(d - 1) for _ in range(self.rng.randint(1, 3))) + "]"

    def record(self, d):
        if d <= 0 or self.rng.random() < 0.5:
            return self.rng.choice(["context", f"{self.entity(0)}.rec", "{a: 1}"])
        return "{" + ", ".join(f"{k}: {self.any(d - 1)}" for k in self.rng.sample(["a", "b", '"n"'], self.rng.randint(1, 3))) + "}"

    def any(self, d):
        return self.rng.choice([self.bool, self.long, self.string, self.entity, self.set, self.record])(d)

    def bool(self, d):
        rng = self.rng
        if rng.random() < 0.06:
            return self.any(d)  # ill-typed on purpose
        if d <= 0:
            return rng.choice(["true", "false", "principal.flag", "context.flag", "resource.flag"])
        choice = rng.randrange(16)
        if choice == 0:
            return f"({self.bool(d - 1)}) && ({self.bool(d - 1)})"
        if choice == 1:
            return f"({self.bool(d - 1)}) || ({self.bool(d - 1)})"
        if choice == 2:
            return f"!({self.bool(d - 1)})"
        if choice == 3:
            op = rng.choice(["<", "<=", ">", ">="])
            return f"({self.long(d - 1)}) {op} ({self.long(d - 1)})"
        if choice == 4:
            maker = rng.choice([self.long, self.string, self.entity, self.set, self.record, self.bool])
            other = maker if rng.random() < 0.8 else self.any
            return f"({maker(d - 1)}) {rng.choice(['==', '!='])} ({other(d - 1)})"
        if choice == 5:
            right = self.entity(d - 1) if rng.random() < 0.6 else self.set(d - 1)
            return f"({self.entity(d - 1)}) in ({right})"
        if choice == 6:
            attr = rng.choice(["flag", "n", "name", "owner", "tags", '"rec"', "a", "who"])
            return f"({rng.choice([self.entity, self.record])(d - 1)}) has {attr}"
        if choice == 7:
            return f"({self.string(d - 1)}) like \"{rng.choice(PATTERNS)}\""
        if choice == 8:
            return f"({self.set(d - 1)}).contains({self.any(d - 1)})"
        if choice == 9:
            return f"({self.set(d - 1)}).{rng.choice(['containsAll', 'containsAny'])}({self.set(d - 1)})"
        if choice == 10:
            return f"(if {self.bool(d - 1)} then {self.bool(d - 1)} else {self.bool(d - 1)})"
        if choice == 11:
            t = rng.choice(["User", "Group", "Doc"])
            if rng.random() < 0.5:
                return f"({self.entity(d - 1)}) is {t}"
            return f"({self.entity(d - 1)}) is {t} in ({self.entity(d - 1)})"
        if choice == 12:
            return f"{self.record(d - 1)}.{rng.choice(['a', 'b', 'flag'])} == {self.any(0)}"
        if choice == 13:
            return f"{self.entity(d - 1)}.flag"
        if choice == 14:
            return f"context[\"flag\"]"
        return f"action in [Action::\"{rng.choice(ACTION_NAMES)}\", Action::\"write\"]"


def random_scope(rng, var):
    r = rng.random()
    t, i = random_uid(rng)
    if r < 0.5:
        return var
    if r < 0.65:
        return f'{var} == {t}::"{i}"'
    if r < 0.8:
        return f'{var} in Group::"{rng.choice(GROUPS)}"'
    if r < 0.9:
        return f"{var} is {t}"
    return f'{var} is {t} in Group::"{rng.choice(GROUPS)}"'


def random_policy_set(rng):
    gen = ExprGen(rng)
    texts, effects = [], []
    for _ in range(rng.randint(1, 4)):
        effect = rng.choice(["permit", "permit", "forbid"])
        r = rng.random()
        if r < 0.5:
            action = "action"
        elif r < 0.75:
            action = f'action == Action::"{rng.choice(ACTION_NAMES)}"'
        else:
            action = "action in [" + ", ".join(f'Action::"{a}"' for a in rng.sample(ACTION_NAMES + ["write"], rng.randint(1, 3))) + "]"
        conditions = " ".join(f"{rng.choice(['when', 'unless'])} {{ {gen.bool(rng.randint(0, 3))} }}" for _ in range(rng.choice([0, 1, 1, 1, 2])))
        texts.append(f"{effect} ({random_scope(rng, 'principal')}, {action}, {random_scope(rng, 'resource')}) {conditions};")
        effects.append(effect)
    return "\n".join(texts), effects


def random_untyped_request(rng):
    context = {}
    for key, make in [("flag", lambda: rng.random() < 0.5), ("n", lambda: rng.randint(-2, 5)),
                      ("who", lambda: ref("User", rng.choice(USERS))), ("tags", lambda: rng.sample(STRINGS, 2)),
                      ("a", lambda: random_value(rng))]:
        if rng.random() < 0.8:
            context[key] = make()
    return {"principal": uid("User", rng.choice(USERS + ["ghost"])), "action": uid("Action", rng.choice(ACTION_NAMES)),
            "resource": uid(*random_uid(rng)) if rng.random() < 0.3 else uid("Doc", rng.choice(DOCS)), "context": context}


def check_random_policies(tacit, tally, count, rng, timings):
    lines, expectations = [], []
    per_set = 10
    cedar_time = 0.0
    while len(lines) < count:
        text, effects = random_policy_set(rng)
        entities = random_store(rng)
        requests = [random_untyped_request(rng) for _ in range(per_set)]
        started = time.perf_counter()
        try:
            answers = run_cedar(text, entities, requests)
        except Exception as error:  # a generator bug, not an engine mismatch
            sys.exit(f"cedarpy rejected a generated policy set ({error}):\n{text}")
        cedar_time += time.perf_counter() - started
        names = {f"policy{i}": e for i, e in enumerate(effects)}
        ids = {f"policy{i}": f"policy{i}" for i in range(len(effects))}
        for request, cedar in zip(requests, answers):
            if any(names[p] == "forbid" for p in cedar[2]):
                tally.forbid_errors += 1
            expectations.append(expected_from_cedar(cedar, names, ids))
            lines.append({"policies": text, "validate": False, "entities": entities, "request": request})
    lines, expectations = lines[:count], expectations[:count]
    timings["random"] = (cedar_time, len(lines))
    for line, expected, answer in zip(lines, expectations, run_tacit(tacit, lines)):
        tally.check("random policies", expected, answer, line)


# ---------------------------------------------------------------------------- 4. the validator

class TypedGen:
    """Random policies over Tacit's schema (from `tacit policy schema`), mostly well-typed, for
    comparing Tacit's validator with Cedar's. Tacit may be stricter (documented), never laxer."""

    def __init__(self, rng, schema):
        self.rng = rng
        self.entity_types = schema[""]["entityTypes"]
        self.actions = schema[""]["actions"]

    def paths(self, action):
        """(expression, type) pairs reachable from the request variables in two steps."""
        applies = self.actions[action]["appliesTo"]
        roots = [("principal", {"type": "Entity", "name": applies["principalTypes"][0]}),
                 ("resource", {"type": "Entity", "name": applies["resourceTypes"][0]}),
                 ("context", applies["context"])]
        out = list(roots)
        frontier = roots
        for _ in range(2):
            next_frontier = []
            for expr, type_ in frontier:
                if type_["type"] == "Entity":
                    attrs = self.entity_types.get(type_["name"], {}).get("shape", {}).get("attributes", {})
                elif type_["type"] == "Record":
                    attrs = type_["attributes"]
                else:
                    continue
                for name, attr_type in attrs.items():
                    next_frontier.append((f"{expr}.{name}", attr_type))
            out += next_frontier
            frontier = next_frontier
        return out

    @staticmethod
    def kind(type_):
        if type_["type"] == "Entity":
            return "Entity:" + type_["name"]
        if type_["type"] == "Set":
            return "Set:" + TypedGen.kind(type_["element"])
        return type_["type"]

    def of_kind(self, paths, kind, d):
        rng = self.rng
        candidates = [e for e, t in paths if self.kind(t) == kind]
        if kind == "Long" and (not candidates or rng.random() < 0.3):
            if d > 0 and rng.random() < 0.4:
                return f"({self.of_kind(paths, 'Long', d - 1)} {rng.choice(['+', '-', '*'])} {self.of_kind(paths, 'Long', d - 1)})"
            return str(rng.choice([0, 1, 3, 15, -2]))
        if kind == "String" and (not candidates or rng.random() < 0.3):
            return json.dumps(rng.choice(["member", "operator", "compliance", "closed", "practice"]))
        if kind == "Boolean" and (not candidates or rng.random() < 0.5):
            return self.bool(paths, d)
        if kind.startswith("Entity:") and (not candidates or rng.random() < 0.2):
            return f'{kind[7:]}::"x{rng.randint(0, 2)}"'
        if not candidates or rng.random() < 0.05:
            return rng.choice([e for e, _ in paths])  # deliberately any type
        return rng.choice(candidates)

    def bool(self, paths, d):
        rng = self.rng
        kinds = sorted({self.kind(t) for _, t in paths})
        if d <= 0:
            return self.of_kind(paths, "Boolean", -1) if rng.random() < 0.7 else rng.choice(["true", "false"])
        choice = rng.randrange(10)
        if choice == 0:
            return f"({self.bool(paths, d - 1)}) && ({self.bool(paths, d - 1)})"
        if choice == 1:
            return f"({self.bool(paths, d - 1)}) || ({self.bool(paths, d - 1)})"
        if choice == 2:
            return f"!({self.bool(paths, d - 1)})"
        if choice == 3:
            kind = rng.choice(kinds)
            other = kind if rng.random() < 0.85 else rng.choice(kinds)
            return f"{self.of_kind(paths, kind, d - 1)} {rng.choice(['==', '!='])} {self.of_kind(paths, other, d - 1)}"
        if choice == 4:
            return f"{self.of_kind(paths, 'Long', d - 1)} {rng.choice(['<', '<=', '>', '>='])} {self.of_kind(paths, 'Long', d - 1)}"
        if choice == 5:
            entity = rng.choice([k for k in kinds if k.startswith("Entity:")])
            group = self.of_kind(paths, "Entity:Group", d - 1)
            return f"{self.of_kind(paths, entity, d - 1)} in {group}"
        if choice == 6:
            sets = [k for k in kinds if k.startswith("Set:")]
            if sets:
                s = rng.choice(sets)
                return f"{self.of_kind(paths, s, d - 1)}.contains({self.of_kind(paths, s[4:], d - 1)})"
            return "true"
        if choice == 7:
            return f"(if {self.bool(paths, d - 1)} then {self.bool(paths, d - 1)} else {self.bool(paths, d - 1)})"
        if choice == 8:
            return f"{self.of_kind(paths, 'String', d - 1)} like \"{rng.choice(['c*', '*e*', 'member'])}\""
        entity = rng.choice([k for k in kinds if k.startswith("Entity:")])
        base = self.of_kind(paths, entity, d - 1)
        attrs = list(self.entity_types.get(entity[7:], {}).get("shape", {}).get("attributes", {}))
        return f"{base} has {rng.choice(attrs + ['nope']) if attrs else 'nope'}"

    def policy(self):
        rng = self.rng
        action = rng.choice(sorted(self.actions))
        paths = self.paths(action)
        resource = rng.choice(["resource", "resource", f"resource is {self.actions[action]['appliesTo']['resourceTypes'][0]}",
                               "resource is Member"])
        condition = self.bool(paths, rng.randint(0, 3))
        return f'{rng.choice(["permit", "forbid"])} (principal, action == Action::"{action}", {resource}) ' \
               f'{rng.choice(["when", "unless"])} {{ {condition} }};'


def check_validator(tacit, tally, count, rng):
    schema_text = subprocess.run([tacit, "policy", "schema"], capture_output=True, text=True, check=True).stdout
    schema = json.loads(schema_text)
    cedar_schema = cedarpy.Schema.from_json_str(schema_text)
    base_text = subprocess.run([tacit, "policy", "base"], capture_output=True, text=True, check=True).stdout
    result = cedarpy.validate_policies(base_text, cedar_schema)
    if result.validation_passed:
        tally.passed += 1
    else:
        tally.failed += 1
        print(f"CEDAR'S VALIDATOR REJECTS THE BASE POLICY: {[str(e) for e in result.errors]}")
    gen = TypedGen(rng, schema)
    policies = [gen.policy() for _ in range(count)]
    request = {"principal": 'Member::"m"', "action": 'Action::"readEntry"', "resource": 'Entry::"e"', "context": {"now": 0}}
    answers = run_tacit(tacit, [{"policies": p, "request": request} for p in policies])
    both_accept = stricter = 0
    for text, answer in zip(policies, answers):
        tacit_ok = "error" not in answer
        result = cedarpy.validate_policies(text, cedar_schema)
        if tacit_ok and not result.validation_passed:
            tally.failed += 1
            if tally.shown < 10:
                tally.shown += 1
                print(f"VALIDATOR MISMATCH: Tacit accepts, Cedar rejects: {[str(e) for e in result.errors]}\n  {text}\n")
            continue
        tally.passed += 1
        both_accept += tacit_ok
        stricter += (not tacit_ok) and result.validation_passed
    print(f"  validator: {count} typed policies, {both_accept} accepted by both, "
          f"{count - both_accept - stricter} rejected by both, {stricter} rejected by Tacit only (stricter by design)")


# ---------------------------------------------------------------------------- the CLI's contract

def check_cli(tacit, tally):
    """`tacit policy check` and `eval` as a policy author meets them: messages and exit codes."""
    import os
    import tempfile

    def expect(label, ok, detail):
        if ok:
            tally.passed += 1
        else:
            tally.failed += 1
            print(f"CLI CHECK FAILED [{label}]: {detail}")

    with tempfile.TemporaryDirectory() as folder:
        good = os.path.join(folder, "good.cedar")
        bad = os.path.join(folder, "bad.cedar")
        with open(good, "w") as f:
            f.write('@id("no-agenda-during-practice")\nforbid (principal, action == Action::"buildAgenda", resource)\n'
                    'when { resource.phase == "practice" };\n')
        with open(bad, "w") as f:
            f.write('permit (principal, action == Action::"readEntry", resource)\nwhen { resource.title == "x" };\n'
                    '@id("not-the-author") permit (principal, action, resource);\n')
        run = lambda *args, stdin="": subprocess.run([tacit, "policy", *args], input=stdin, capture_output=True, text=True)
        result = run("check", good)
        expect("check accepts a valid file", result.returncode == 0 and "ok" in result.stdout, result)
        result = run("check", bad)
        lines = result.stdout.splitlines()
        expect("check reports each problem as FILE:line:column", result.returncode == 1 and lines == [
            f"{bad}:2:17: `Entry` has no attribute `title` (it has: author, cycle, deleted, group)",
            f"{bad}:3:1: the base policy already has the id `not-the-author`; choose another `@id`",
        ], result)
        result = run("check", os.path.join(folder, "missing.cedar"))
        expect("check of a missing file is an error", result.returncode == 1 and "cannot read" in result.stderr, result)
        result = run("check")
        expect("check without a file is a usage error", result.returncode == 2, result)
        result = run("eval", stdin='not json\n{"policies": "permit(principal, action, resource) when { 1 + };", "request": {}}\n')
        answers = [json.loads(line) for line in result.stdout.splitlines()]
        expect("eval answers an undecidable line with an error and exits 1",
               result.returncode == 1 and len(answers) == 2 and answers[1] == {"error": "1:48: expected an expression, found `}`"},
               result)


# ---------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tacit", required=True, help="path to the built tacit executable")
    parser.add_argument("--requests", type=int, default=10_000, help="random requests to check (default 10000), besides the scenarios")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time-based, printed)")
    parser.add_argument("--bench", action="store_true", help="also time cedarpy on the scenario mix")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    print(f"differential: cedarpy {getattr(cedarpy, '__version__', '4.12.2')}, seed {seed}")
    tally = Tally()
    timings = {}
    started = time.perf_counter()

    check_cli(args.tacit, tally)
    scenarios, base_text = check_scenarios(args.tacit, tally)
    print(f"  scenarios: {len(scenarios)} checked")
    base_count = args.requests * 3 // 10
    base_policies = [s for s in scenarios if "operator" not in s][0]["policyList"]
    check_base_policy(args.tacit, tally, base_count, rng, base_text, base_policies, timings)
    print(f"  base policy, random worlds: {base_count} requests")
    check_random_policies(args.tacit, tally, args.requests - base_count, rng, timings)
    print(f"  random policies: {args.requests - base_count} requests")
    check_validator(args.tacit, tally, max(200, args.requests // 10), rng)
    print(f"  forbid errors (Cedar skips, Tacit denies): {tally.forbid_errors}")
    print(f"  took {time.perf_counter() - started:.1f} s")

    if args.bench:
        bench_cedar(scenarios, base_text)

    print(f"{tally.passed} passed, {tally.failed} failed")
    sys.exit(1 if tally.failed else 0)


def bench_cedar(scenarios, base_text):
    """cedarpy's time per decision on the scenario mix (includes Python and FFI overhead)."""
    plain = [s for s in scenarios if "operator" not in s]
    entities = cedarpy.Entities.from_json_str(json.dumps(plain[0]["entities"]))
    policies = cedarpy.PolicySet.from_str(base_text) if hasattr(cedarpy, "PolicySet") else base_text
    samples = []
    for _ in range(200):
        for s in plain:
            started = time.perf_counter_ns()
            cedarpy.is_authorized(s["request"], policies, entities)
            samples.append((time.perf_counter_ns() - started) / 1000)
    samples.sort()
    median = samples[len(samples) // 2]
    p99 = samples[int(len(samples) * 0.99)]
    print(f"  cedarpy on the scenario mix ({len(samples)} decisions, pre-parsed policies and entities, "
          f"includes Python overhead): median {median:.1f} µs, p99 {p99:.1f} µs")


if __name__ == "__main__":
    main()

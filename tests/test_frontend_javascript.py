"""The JavaScript / TypeScript / TSX front end: exact facts for small snippets."""

from __future__ import annotations

import time
from textwrap import dedent

import pytest

from vcx.facts import Call, Import, Loc, ModuleFacts
from vcx.frontends.javascript import extract, is_config_text, is_project_spec
from vcx.parse import parse


def facts(src: str, lang: str = "typescript", path: str = "src/x.ts", keep_all: bool = True) -> ModuleFacts:
    """Facts of a snippet; with every call kept unless ``keep_all`` is False (most tests here
    are about call contexts, on names no rule would keep a call for)."""
    data = dedent(src).lstrip("\n").encode()
    return extract(data, parse(data, lang), path, lang, keep_all_calls=keep_all)


def callees(f: ModuleFacts) -> list[str]:
    return [c.callee for c in f.calls]


def call(f: ModuleFacts, callee: str, nth: int = 0) -> Call:
    found = [c for c in f.calls if c.callee == callee]
    assert len(found) > nth, f"no call #{nth} of {callee!r} in {callees(f)}"
    return found[nth]


# -- imports and callee resolution ----------------------------------------------------------

def test_esm_imports_resolve_callees():
    f = facts("""
        import axios from "axios";
        import * as x from "m";
        import { get as g } from "axios";
        import fetch from "node-fetch";
        import { fetch as uf } from "undici";
        import cron from "node-cron";
        import { CronJob } from "cron";
        import { DateTime } from "luxon";
        import { startOfDay } from "date-fns";
        axios.get("/a");
        x.run();
        g("/b");
        fetch("/c");
        uf("/d");
        cron.schedule("* * * * *", job);
        new CronJob("0 * * * *", job);
        DateTime.now();
        startOfDay(d);
    """)
    assert callees(f) == ["axios.get", "m.run", "axios.get", "node-fetch", "undici.fetch", "node-cron.schedule",
                          "cron.CronJob", "luxon.DateTime.now", "date-fns.startOfDay"]
    assert [(i.local, i.module, i.name, i.relative) for i in f.imports] == [
        ("axios", "axios", "default", False), ("x", "m", None, False), ("g", "axios", "get", False),
        ("fetch", "node-fetch", "default", False), ("uf", "undici", "fetch", False),
        ("cron", "node-cron", "default", False), ("CronJob", "cron", "CronJob", False),
        ("DateTime", "luxon", "DateTime", False), ("startOfDay", "date-fns", "startOfDay", False)]
    assert f.imports[0].loc == Loc(1, 8, 1, 13)


def test_commonjs_requires():
    f = facts("""
        const axios = require("axios");
        const { get, post: p } = require("got");
        const ky = require("ky").default;
        const { Pool } = require("pg");
        require("express-async-errors");
        axios.post("/a");
        get("/b");
        p("/c");
        ky.get("/d");
        require("cors")();
    """, "javascript", "src/x.js")
    assert callees(f)[5:] == ["axios.post", "got.get", "got.post", "ky.get", "cors", "require"]
    assert [(i.local, i.module, i.name) for i in f.imports] == [
        ("axios", "axios", None), ("get", "got", "get"), ("p", "got", "post"), ("ky", "ky", "default"),
        ("Pool", "pg", "Pool"), ("", "express-async-errors", None), ("", "cors", None)]


def test_project_imports_resolve_to_import_callees():
    f = facts("""
        import { getJson } from "./lib/http";
        import db from "../db";
        import * as repo from "./repo";
        import { track } from "@/lib/analytics";
        import { cfg } from "~/config";
        import { Button } from "@acme/ui";
        const h = require("./helpers");
        const { fetchUser } = require("../users");
        getJson("/x");
        db.query("q");
        repo.users.find(1);
        track("e");
        cfg.load();
        Button();
        h();
        h.format(1);
        fetchUser(1);
    """)
    assert callees(f) == [
        "require", "require", "import:./lib/http:getJson", "import:../db:default.query",
        "import:./repo:users.find", "import:@/lib/analytics:track", "import:~/config:cfg.load", "@acme/ui.Button",
        "import:./helpers:default", "import:./helpers:format", "import:../users:fetchUser"]
    assert [(i.module, i.relative) for i in f.imports] == [
        ("./lib/http", True), ("../db", True), ("./repo", True), ("@/lib/analytics", True), ("~/config", True),
        ("@acme/ui", False), ("./helpers", True), ("../users", True)]


def test_is_project_spec():
    assert is_project_spec("./a") and is_project_spec("../a") and is_project_spec("@/a")
    assert is_project_spec("~/a") and is_project_spec("#internal")
    assert not is_project_spec("axios") and not is_project_spec("@prisma/client")
    assert not is_project_spec("lodash/fp")


def test_typescript_import_equals_and_node_prefix():
    f = facts("""
        import fs = require("fs");
        import { readFile } from "node:fs/promises";
        fs.readFileSync(p);
        readFile(p);
    """)
    assert callees(f) == ["fs.readFileSync", "fs/promises.readFile"]
    assert f.imports[0] == Import("fs", "fs", None, Loc(1, 1, 1, 27), False)


def test_reexports():
    f = facts("""
        export * from "./x";
        export { a as b, c } from "./y";
        export { default as axios } from "axios";
        export * as ns from "./z";
    """)
    assert Import("*", "./x", "*", Loc(1, 1, 1, 21), True) in f.imports
    assert f.exports["b"].ref == "import:./y:a"
    assert f.exports["c"].ref == "import:./y:c"
    assert f.exports["axios"].ref == "axios"
    assert f.exports["ns"].ref == "import:./z:"


def test_globals_and_unresolved_callees():
    f = facts("""
        fetch(url);
        globalThis.fetch(url);
        Promise.all([a(), b()]);
        items.map(fn);
        a?.b?.c();
        arr[0].push(1);
        process.env["X"].trim();
    """)
    assert callees(f) == ["fetch", "fetch", "Promise.all", "a", "b", "items.map", "a.b.c", "?.push",
                          "process.env.X.trim"]


# -- exports --------------------------------------------------------------------------------

def test_esm_exports():
    f = facts("""
        import axios from "axios";
        export async function load() {}
        export const api = axios.create({ timeout: 5000 });
        export const handler = async (req) => {};
        export class Service { run() {} }
        function helper() {}
        const LIMIT = 10;
        export { helper, LIMIT as limit };
        export default function () {}
    """)
    ex = f.exports
    assert (ex["load"].kind, ex["load"].ref) == ("name", "local:load")
    assert (ex["api"].kind, ex["api"].ref, ex["api"].call_id) == ("call", "axios.create", 0)
    assert ex["api"].keys is not None and ex["api"].keys["timeout"].value == 5000.0
    assert ex["handler"].ref == "local:handler"
    assert ex["Service"].ref == "local:Service"
    assert ex["helper"].ref == "local:helper"
    assert (ex["limit"].kind, ex["limit"].value) == ("num", 10.0)
    assert ex["default"].ref == "local:default"
    fns = f.functions
    assert fns["load"].exported and fns["handler"].exported and fns["helper"].exported
    assert fns["Service.run"].exported and fns["default"].exported


def test_exported_enums_and_namespaces_are_values_and_types_are_not():
    """A name imported through a barrel that no module exports as a value is a type (erased
    by the compiler: browser_code draws no edge for it), so every value export is recorded."""
    ex = facts("""
        export enum Plan { Free, Pro }
        export namespace Billing { }
        export type PlanName = keyof typeof Plan;
        export interface Invoice { id: string }
    """).exports
    assert set(ex) == {"Plan", "Billing"}


def test_commonjs_exports():
    f = facts("""
        async function chargeCard() {}
        function refund() {}
        const router = express.Router();
        exports.handler = async (event) => {};
        module.exports.other = function () {};
        module.exports = { chargeCard, refundCharge: refund };
    """, "javascript", "src/x.js")
    assert f.exports["handler"].ref == "local:handler"
    assert f.exports["other"].ref == "local:other"
    assert f.exports["chargeCard"].ref == "local:chargeCard"
    assert f.exports["refundCharge"].ref == "local:refund"
    assert all(f.functions[n].exported for n in ("handler", "other", "chargeCard", "refund"))
    g = facts("""
        const app = express();
        module.exports = app;
    """, "javascript", "src/app.js")
    assert (g.exports["default"].kind, g.exports["default"].ref) == ("call", "express")
    h = facts("module.exports = async function handler(req) {};", "javascript", "src/h.js")
    assert h.exports["default"].ref == "local:handler" and h.functions["handler"].exported
    k = facts("module.exports = (req) => {};", "javascript", "src/k.js")
    assert k.exports["default"].ref == "local:default"


def test_exported_object_methods():
    f = facts("""
        export default {
          async fetch(req) { return handle(req); },
          scheduled: async () => {},
        };
        const internal = { run() {} };
    """)
    assert f.exports["default"].kind == "object"
    assert f.functions["default.fetch"].exported and f.functions["default.scheduled"].exported
    assert not f.functions["internal.run"].exported


def test_this_in_object_literal_methods_is_the_object():
    f = facts("""
        export default {
          get(url) { return this.send("GET", url); },
          many(urls) { return urls.map((u) => this.send("GET", u)); },
          send: function (method, url) { return fetch(url, { method }); },
          arrow: (url) => this.send("GET", url),
          inner(url) { return function () { return this.send("GET", url); }; },
        };
        class Client {
          options() { return { go() { return this.send(); } }; }
          send() {}
        }
    """, keep_all=False)
    by_func = {c.func: c.callee for c in f.calls if c.text == "this.send"}
    assert by_func["default.get"] == "local:default.send"
    assert by_func["default.many.<locals>.<arrow@3:32>"] == "local:default.send"  # an arrow has no `this`
    assert by_func["default.arrow"] == "this.send"  # the module's `this`, not the object
    assert by_func["default.inner.<locals>.<function@6:23>"] == "this.send"  # a plain function's own `this`
    assert by_func["Client.options.<locals>.<function@9:24>"] == "this.send"  # an unnamed object's


def test_immediately_invoked_functions_and_destructured_parameters():
    f = facts("""
        export function start(options) {
          const { handler, name: label } = options;
          const { id } = load();
          (async () => { await handler(label); })().catch(report);
          return void (function tick() { options.handler(); })();
        }
    """, keep_all=False)
    fn = f.functions
    iife = f.calls[fn["start.<locals>.<arrow@4:4>"].invoked_by]
    assert (iife.context, iife.chain, iife.func) == ("chain", ("catch",), "start")
    assert f.calls[fn["start.<locals>.tick"].invoked_by].context == "void"
    assert f.unpacks == [("start", "options", "handler", "handler"), ("start", "options", "name", "label")]
    # Calls of what a parameter holds are kept, and of a local destructured from one.
    assert {c.text for c in f.calls} >= {"handler", "options.handler"}


# -- functions --------------------------------------------------------------------------------

def test_function_ids_and_names():
    f = facts("""
        function outer() {
          function inner() {}
          const arrow = async () => {};
          items.forEach((x) => inner(x));
        }
        const f = async function () {};
        class Shop {
          async checkout({ cart, user: u }, retries = 3, ...rest) {}
          handle = async () => {};
          get total() { return 1; }
          set total(v) {}
        }
        const api = { async get(id) {}, post: (x) => x };
        setTimeout(function tick() {}, 10);
    """)
    assert list(f.functions) == [
        "outer", "outer.<locals>.inner", "outer.<locals>.arrow", "outer.<locals>.<arrow@4:17>", "f",
        "Shop.checkout", "Shop.handle", "Shop.total", "Shop.total@11:3", "api.get", "api.post", "tick"]
    fn = f.functions
    assert fn["outer.<locals>.inner"].parent == "outer" and fn["outer"].parent is None
    assert fn["outer.<locals>.arrow"].is_async and fn["f"].is_async and fn["Shop.checkout"].is_async
    assert fn["Shop.checkout"].params == ["cart", "user", "retries", "rest"]
    assert fn["Shop.checkout"].class_name == "Shop" and fn["Shop.handle"].class_name == "Shop"
    assert fn["outer.<locals>.<arrow@4:17>"].name == "<arrow@4:17>"
    assert fn["api.get"].name == "get" and fn["api.get"].params == ["id"]
    assert fn["Shop.checkout"].loc == Loc(8, 3, 8, 61)


def test_callbacks():
    f = facts("""
        app.get("/x", async (req, res) => {
          const out = await Promise.all(items.map(async (x) => load(x)));
          fetch(u).then((r) => r.json());
        });
    """, "javascript", "src/x.js")
    route = f.functions["<arrow@1:15>"]
    assert (route.is_callback, route.callback_of, route.params) == (True, call(f, "app.get").id, ["req", "res"])
    mapper = f.functions["<arrow@1:15>.<locals>.<arrow@2:43>"]
    assert (mapper.is_callback, mapper.callback_of, mapper.is_async) == (True, call(f, "items.map").id, True)
    then_cb = f.functions["<arrow@1:15>.<locals>.<arrow@3:17>"]
    assert then_cb.callback_of == call(f, "fetch().then").id
    assert call(f, "load").func == mapper.id


def test_typescript_decorators():
    f = facts("""
        import { Controller, Post, UseGuards } from "@nestjs/common";
        @Controller("users")
        export class UsersController {
          @Post("signup")
          @UseGuards(AuthGuard)
          async signup(@Body() dto: SignupDto) {}
        }
    """)
    decs = f.functions["UsersController.signup"].decorators
    assert [(d.kind, d.ref) for d in decs] == [("call", "@nestjs/common.Post"), ("call", "@nestjs/common.UseGuards")]
    assert f.calls[decs[0].call_id].args[0].value == "signup"
    assert f.functions["UsersController.signup"].params == ["dto"]


# -- calls: instances -------------------------------------------------------------------------

def test_module_instances_used_in_functions():
    f = facts("""
        import axios from "axios";
        import { PrismaClient } from "@prisma/client";
        import { Pool } from "pg";
        const api = axios.create({ baseURL: "https://x", timeout: 5000 });
        const prisma = new PrismaClient();
        const pool = new Pool({ max: 10 });
        export async function run(id: string) {
          await api.get(`/users/${id}`);
          await prisma.user.findMany();
          await pool.query("select 1");
          await axios.create({ timeout: 1 }).post("/x");
          api("/config");
        }
    """)
    get = call(f, "axios.create().get")
    assert get.instance_ctor == "axios.create" and get.instance is not None
    assert (get.instance.kind, get.instance.ref, sorted(get.instance.keys or {})) == (
        "call", "axios.create", ["baseURL", "timeout"])
    assert get.instance.items is not None and get.instance.items[0].kind == "object"
    assert call(f, "@prisma/client.PrismaClient").is_new
    assert call(f, "@prisma/client.PrismaClient().user.findMany").instance_ctor == "@prisma/client.PrismaClient"
    q = call(f, "pg.Pool().query")
    assert q.instance_ctor == "pg.Pool" and q.instance is not None and q.instance.keys is not None
    assert q.instance.keys["max"].value == 10.0
    inline = call(f, "axios.create().post")
    assert inline.instance_ctor == "axios.create" and inline.instance is not None
    assert inline.instance.keys is not None and inline.instance.keys["timeout"].value == 1.0
    assert call(f, "axios.create()").instance_ctor == "axios.create"


def test_instances_assigned_later_and_fallbacks():
    f = facts("""
        import { Pool } from "pg";
        import { PrismaClient } from "@prisma/client";
        export const prisma = globalForPrisma.prisma ?? new PrismaClient({ log: ["query"] });
        let pool: Pool | undefined;
        export function getPool() {
          if (!pool) pool = new Pool({ max: 5 });
          return pool;
        }
        export async function q() { return pool.query("x"); }
        export async function u() { return prisma.user.findMany(); }
    """)
    q = call(f, "pg.Pool().query")
    assert q.instance is not None and q.instance.keys is not None and q.instance.keys["max"].value == 5.0
    assert call(f, "@prisma/client.PrismaClient().user.findMany").instance_ctor == "@prisma/client.PrismaClient"
    assert (f.exports["prisma"].kind, f.exports["prisma"].ref) == ("call", "@prisma/client.PrismaClient")


def test_class_field_instances_and_this_methods():
    f = facts("""
        const got = require("got");
        class Client {
          constructor() { this.http = got.extend({ timeout: { request: 1000 } }); }
          async fetch(u) { return this.http.post(u); }
          async retry(u) { return this.fetch(u); }
          static create() { return new Client(); }
        }
        const c = new Client();
        c.fetch("/a");
        Client.create();
    """, "javascript", "src/x.js")
    post = call(f, "got.extend().post")
    assert post.instance_ctor == "got.extend" and post.instance is not None
    assert post.instance.keys is not None and "timeout" in post.instance.keys
    assert call(f, "local:Client.fetch").func == "Client.retry"
    assert call(f, "local:Client().fetch").instance_ctor == "local:Client"
    assert call(f, "local:Client.create").func is None


def test_typescript_typed_parameters_and_properties():
    f = facts("""
        import { PrismaClient } from "@prisma/client";
        import { UsersService } from "./users.service";
        import type { AxiosInstance } from "axios";
        export class Orders {
          constructor(private readonly prisma: PrismaClient, private users: UsersService) {}
          async list(day: Date, api: AxiosInstance) {
            day.getHours();
            await api.get("/x");
            await this.prisma.order.findMany();
            return this.users.find(1);
          }
        }
    """)
    assert callees(f) == ["Date().getHours", "axios.create().get", "@prisma/client.PrismaClient().order.findMany",
                          "import:./users.service:UsersService().find"]
    assert call(f, "Date().getHours").instance_ctor == "Date"
    assert call(f, "Date().getHours").instance is None  # known by type only


def test_date_receivers():
    f = facts("""
        function f(x) {
          new Date().getHours();
          const d = new Date(x);
          d.setHours(0, 0, 0, 0);
          let e: Date = load();
          e.getDay();
          Date.now();
          other.getHours();
          Date().getHours();
        }
    """)
    # An outer call comes before the calls inside it (pre-order).
    assert callees(f) == ["Date().getHours", "Date", "Date", "Date().setHours", "load", "Date().getDay",
                          "Date.now", "other.getHours", "Date().getHours", "Date"]
    assert call(f, "Date").is_new and not call(f, "Date", 2).is_new
    assert call(f, "Date().getHours").instance_ctor == "Date"
    assert call(f, "Date().setHours").instance_ctor == "Date"
    assert call(f, "Date().getHours", 1).instance_ctor is None  # Date() without new is a string


def test_new_expression_callees():
    f = facts("""
        import { CronJob } from "cron";
        import { PrismaClient } from "@prisma/client";
        new Date(2024, 0, 1);
        new CronJob("0 0 * * *", tick, null, true, "UTC");
        new PrismaClient();
        new Foo.Bar;
    """)
    assert [(c.callee, c.is_new) for c in f.calls] == [
        ("Date", True), ("cron.CronJob", True), ("@prisma/client.PrismaClient", True), ("Foo.Bar", True)]
    job = call(f, "cron.CronJob")
    assert [a.kind for a in job.args] == ["str", "name", "none", "bool", "str"]
    assert [a.value for a in call(f, "Date").args] == [2024.0, 0.0, 1.0]


def test_call_ids_in_source_order():
    f = facts("""
        a(b(c()));
        x.y().z();
    """)
    assert [c.id for c in f.calls] == list(range(len(f.calls)))
    assert callees(f) == ["a", "b", "c", "x.y().z", "x.y"]
    assert all(f.call(c.id) is c for c in f.calls)
    assert call(f, "b").arg_of == call(f, "a").id
    assert (f.calls[0].text, f.calls[0].snippet, f.calls[0].loc) == ("a", "a(b(c()))", Loc(1, 1, 1, 10))


# -- calls: context ---------------------------------------------------------------------------

def test_contexts():
    f = facts("""
        async function h(u) {
          s1();
          await a1();
          const v = await a2();
          let w;
          w = s2();
          const { x } = await a3();
          void p1();
          if (c1()) {}
          return r1();
        }
        const g = (u) => r2(u);
        const k = (u) => (r3(u));
        f(arg1(), [arg2(), ...arg3()]);
        const t = cond ? r4() : r5();
        const o = { key: o1() };
        while (!c2()) {}
        const z = c3() === 1;
        const fb = cached ?? fb1();
        ready && fb2();
        if (c4() && c5()) {}
    """, "javascript", "src/x.js")
    ctx = {c.callee: (c.context, c.awaited, c.assigned_to, c.arg_of) for c in f.calls}
    fid = call(f, "f").id
    assert ctx == {
        "s1": ("stmt", False, None, None), "a1": ("await", True, None, None), "a2": ("assign", True, "v", None),
        "s2": ("assign", False, "w", None), "a3": ("assign", True, None, None), "p1": ("void", False, None, None),
        "c1": ("condition", False, None, None), "r1": ("return", False, None, None),
        "r2": ("return", False, None, None), "r3": ("return", False, None, None), "f": ("stmt", False, None, None),
        "arg1": ("arg", False, None, fid), "arg2": ("arg", False, None, fid), "arg3": ("arg", False, None, fid),
        "r4": ("assign", False, "t", None), "r5": ("assign", False, "t", None), "o1": ("other", False, None, None),
        "c2": ("condition", False, None, None), "c3": ("condition", False, None, None),
        "fb1": ("assign", False, "fb", None), "fb2": ("stmt", False, None, None),
        "c4": ("condition", False, None, None), "c5": ("condition", False, None, None),
    }


def test_chains_and_catch_chained():
    f = facts("""
        function h(u) {
          fetch(u).then((r) => r.json()).catch(() => {});
          load(u).then(ok, fail);
          save(u).finally(done);
          const p = send(u).then(ok);
          return (await get(u)).json();
        }
    """)
    fetch = call(f, "fetch")
    assert (fetch.context, fetch.outer_context, fetch.chain, fetch.catch_chained) == (
        "chain", "stmt", ("then", "catch"), True)
    assert call(f, "fetch().then").chain == ("catch",) and call(f, "fetch().then").catch_chained
    assert (call(f, "fetch().then().catch").context, call(f, "fetch().then().catch").catch_chained) == ("stmt", False)
    assert call(f, "load").catch_chained and call(f, "load").chain == ("then",)
    assert not call(f, "save").catch_chained and call(f, "save").chain == ("finally",)
    send = call(f, "send")
    assert (send.context, send.outer_context, send.assigned_to) == ("chain", "assign", "p")
    get = call(f, "get")
    assert (get.context, get.outer_context, get.chain, get.awaited) == ("chain", "return", ("json",), True)
    assert call(f, "get().json").context == "return"


def test_handlers_of_calls():
    f = facts("""
        async function h() {
          try {
            a();
            try { b(); } catch (inner) { c(); } finally { d(); }
            items.forEach((x) => e(x));
          } catch (outer) {
            log(outer);
          }
          z();
        }
    """)
    assert [(h.id, h.loc.line) for h in f.handlers] == [(0, 4), (1, 6)]  # in source order
    hs = {c.callee: c.handlers for c in f.calls}
    assert hs == {"a": (1,), "b": (0, 1), "c": (1,), "d": (1,), "items.forEach": (1,), "e": (), "log": (),
                  "z": ()}


def test_loops_of_calls():
    f = facts("""
        async function h(users) {
          for (const u of list()) {
            await load(u.id);
            for (let i = init(); i < n(); i++) { step(i); }
          }
          while (more()) { next(); }
          do { tick(); } while (again());
          for (const k in obj) { key(k); }
          users.map(async (u) => fetchOne(u));
          once();
        }
    """)
    loops = {c.callee: c.loops for c in f.calls}
    assert loops["list"] == () and loops["init"] == (0,)
    assert loops["load"] == (0,) and loops["n"] == (1, 0) and loops["step"] == (1, 0)
    assert loops["more"] == (2,) and loops["next"] == (2,)
    assert loops["tick"] == (3,) and loops["again"] == (3,)
    assert loops["key"] == (4,)
    assert loops["fetchOne"] == () and loops["users.map"] == () and loops["once"] == ()


def test_what_loops_and_iteration_methods_go_over():
    f = facts("""
        import { KINDS } from "./kinds";
        const ROLES = ["owner", "admin"];
        let PLANS = ["free"];
        export async function h(rows) {
          const local = await db.find();
          for (const r of ["a", "b", "c"]) { q1(r); }
          for (const r of ROLES) { q2(r); }
          for (const r of KINDS) { q3(r); }
          for (const r of PLANS) { q4(r); }
          for (const r of rows) { q5(r); }
          for (const r of local) { q6(r); }
          for (const r of await db.find()) { q7(r); }
          while (more()) { q8(); }
          ["x", "y"].forEach((r) => q9(r));
          ROLES.map((r) => q10(r));
        }
        function shadow() {
          const ROLES = load();
          for (const r of ROLES) { q11(r); }
        }
    """)
    its = [lp.iter for lp in f.loops]
    assert [(v.kind, v.text, v.ref) for v in its[:7]] == [
        ("array", '["a", "b", "c"]', None), ("name", "ROLES", "ROLES"), ("name", "KINDS", "import:./kinds:KINDS"),
        ("name", "PLANS", None), ("name", "rows", None), ("name", "local", None),
        ("call", "await db.find()", "db.find")]
    assert [i.value for i in its[0].items or []] == ["a", "b", "c"]
    assert its[7].kind == "other" and its[7].text == "(more())"  # a while condition: text only
    assert its[8].kind == "name" and its[8].ref is None  # a local declaration shadows the module constant
    recv = call(f, "?.forEach").receiver
    assert recv is not None and recv.kind == "array" and recv.text == '["x", "y"]'
    recv = call(f, "ROLES.map").receiver
    assert recv is not None and (recv.kind, recv.ref) == ("name", "ROLES")
    assert call(f, "q1").receiver is None


# -- values ----------------------------------------------------------------------------------

def test_values():
    f = facts("""
        import axios from "axios";
        send("s", `a${b}c`, `plain`, 30_000, 60 * 1000, -5, 0x10, true, null, undefined, name, axios.get,
             load(), () => 1, { a: 1, "b": 2, signal, ...opts, m() {} }, [1, ...rest], ...args, x ? 1 : 2);
    """)
    args = call(f, "send").args
    got = [(a.kind, a.value) for a in args]
    assert got == [("str", "s"), ("template", "a{}c"), ("str", "plain"), ("num", 30000.0), ("num", 60000.0),
                   ("num", -5.0), ("num", 16.0), ("bool", True), ("none", None), ("none", None), ("name", None),
                   ("attr", None), ("call", None), ("func", None), ("object", None), ("array", None),
                   ("spread", None), ("other", None)]
    assert args[10].ref == "name" and args[11].ref == "axios.get"
    assert (args[12].ref, args[12].call_id) == ("load", call(f, "load").id)
    assert args[13].func_id == "<arrow@3:14>"
    obj = args[14].keys
    assert obj is not None and list(obj) == ["a", "b", "signal", "...", "m"]
    assert (obj["signal"].kind, obj["..."].kind, obj["m"].kind) == ("name", "spread", "func")
    assert [i.kind for i in args[15].items or []] == ["num", "spread"]
    assert call(f, "send").kwargs == {}


def test_from_config():
    f = facts("""
        import { config } from "./config";
        send({
          a: process.env.TIMEOUT,
          b: process.env["TIMEOUT"],
          c: import.meta.env.VITE_TIMEOUT,
          d: config.http.timeout,
          e: settings.timeout,
          f: env.TIMEOUT_MS,
          g: this.configService.get("TIMEOUT"),
          h: process.env.TIMEOUT ?? 30000,
          i: process.env.TIMEOUT || 30000,
          j: Number(process.env.TIMEOUT),
          k: parseInt(process.env.TIMEOUT ?? "30"),
          l: Number(process.env.TIMEOUT) || 5000,
          m: `${process.env.API_URL}/users`,
          n: 30000,
          o: user.timeout,
          p: `http://localhost:${port}`,
        });
    """)
    keys = call(f, "send").args[0].keys or {}
    assert {k for k, v in keys.items() if v.from_config} == set("abcdefghijklm")
    assert is_config_text("process.env.X") and is_config_text("appConfig.timeout")
    assert not is_config_text("config") and not is_config_text("res.status")


# -- handlers --------------------------------------------------------------------------------

def test_catch_clause_bodies():
    f = facts("""
        async function h() {
          try { a(); } catch {}
          try { a(); } catch (e) { /* ignore */ }
          try { a(); } catch (e) { throw e; }
          try { a(); } catch (e) { console.error(e); throw e; }
          try { a(); } catch (e) { if (e.code) return null; throw e; }
          try { a(); } catch (e) { throw new Error("wrapped"); }
          try { a(); } catch (e: unknown) { log(e); }
        }
    """)
    assert [(h.body, h.types, h.catch_all, h.form, h.func) for h in f.handlers] == [
        ("empty", (), True, "clause", "h"), ("empty", (), True, "clause", "h"), ("reraise", (), True, "clause", "h"),
        ("reraise", (), True, "clause", "h"), ("handles", (), True, "clause", "h"),
        ("handles", (), True, "clause", "h"), ("handles", (), True, "clause", "h")]


def test_promise_catch_callbacks_are_handlers():
    f = facts("""
        function h() {
          fetch(u)
            .then((r) => r.json())
            .catch(() => {});
          load().catch((e) => log(e));
          save().then(ok, function () { /* nothing */ });
          send().catch(logError);
        }
    """)
    assert [(h.body, h.form, h.loc.line, h.loc.col) for h in f.handlers] == [
        ("empty", "callback", 4, 6), ("handles", "callback", 5, 10), ("empty", "callback", 6, 10),
        ("handles", "callback", 7, 10)]
    assert all(h.catch_all and h.types == () and h.func == "h" for h in f.handlers)


# -- accesses, assigns, directives, suppressions ------------------------------------------------

def test_accesses():
    f = facts("""
        async function h(u) {
          const res = await fetch(u);
          if (!res.ok) throw new Error(String(res.status));
          const ok = res.status === 200 ? 1 : 0;
          const data = await res.json();
          return data.items;
        }
    """)
    assert [(a.name, a.attr, a.is_call, a.in_condition, a.func) for a in f.accesses] == [
        ("res", "ok", False, True, "h"), ("res", "status", False, False, "h"), ("res", "status", False, True, "h"),
        ("res", "json", True, False, "h"), ("data", "items", False, False, "h")]
    assert f.accesses[0].loc == Loc(3, 8, 3, 14)


def test_assigns():
    f = facts("""
        import axios from "axios";
        const api = axios.create();
        const TIMEOUT_MS = 30_000;
        let a, b = "x";
        axios.defaults.timeout = 5000;
        api.defaults.timeout = 1000;
        function f() { this.x = 1; cache[key] = 2; const local = 3; }
    """)
    got = [(a.target, a.value.kind, a.value.value, a.func, a.text) for a in f.assigns]
    assert got == [
        ("api", "call", None, None, "api"), ("TIMEOUT_MS", "num", 30000.0, None, "TIMEOUT_MS"),
        ("b", "str", "x", None, "b"), ("axios.defaults.timeout", "num", 5000.0, None, "axios.defaults.timeout"),
        ("axios.create().defaults.timeout", "num", 1000.0, None, "api.defaults.timeout"),
        ("this.x", "num", 1.0, "f", "this.x"), ("cache[key]", "num", 2.0, "f", "cache[key]")]


def test_directives():
    f = facts("""
        "use client";
        export function A() {}
    """, "tsx", "app/a.tsx")
    assert f.directives == ["use client"]
    g = facts("""
        // a server page
        export default async function Page() {
          async function create(form) {
            "use server";
            await db.insert(form);
          }
        }
    """, "tsx", "app/page.tsx")
    assert g.directives == ["use server:Page.<locals>.create"]
    h = facts("""
        'use server'
        export async function save() {}
    """)
    assert h.directives == ["use server"]


def test_suppressions():
    f = facts("""
        // vcx: ignore[ERR003, err001]
        fetch(u);
        fetch(v); /* vcx: ignore */
        // an ordinary comment
        /*
          vcx: ignore[TZ002]
        */
    """)
    assert f.suppressions == {1: ("ERR003", "ERR001"), 3: (), 5: ("TZ002",), 7: ("TZ002",)}


def test_suppressions_in_a_tree_parsed_under_a_deadline():
    """Under a deadline a JS tree is parsed through a callback and keeps no source text (it is
    not parsed a second time): the query must not use text predicates, which crash on such a
    tree, and suppression comments are still found."""
    from vcx.frontends import extract as extract_file_facts
    from vcx.frontends.javascript import EXTRA_PATTERNS, PATTERNS
    from vcx.limits import deadline

    assert "#" not in EXTRA_PATTERNS and all("#" not in kind for kind, _cap in PATTERNS)
    data = b"// vcx: ignore[ERR003]\nfetch(u);\n"
    with deadline(30):
        f = extract_file_facts(data, "typescript", "src/x.ts")
    assert f.suppressions == {1: ("ERR003",)}


def test_name_uses():
    f = facts("""
        async function f() { const p = g(); await p; return q; }
        const h = () => z;
        function* k() { yield w; }
    """)
    assert f.name_uses == [("f", "p", "await"), ("f", "q", "return"), ("h", "z", "return"), ("k", "w", "yield")]


# -- TSX, robustness, speed ----------------------------------------------------------------------

def test_tsx_calls_in_jsx_and_generic_calls():
    f = facts("""
        import { api } from "@/lib/api";
        export function Page({ items }: Props) {
          return <ul onClick={() => api.save(1)}>{items.map((i) => <li key={i}>{format(i)}</li>)}</ul>;
        }
        export async function load(id: string) {
          const { data } = await api.get<Order>(`/orders/${id}`);
          return data;
        }
    """, "tsx", "app/page.tsx")
    assert callees(f) == ["import:@/lib/api:api.save", "items.map", "format", "import:@/lib/api:api.get"]
    assert f.functions["Page"].params == ["items"]
    assert call(f, "format").func == "Page.<locals>.<arrow@3:53>"
    get = call(f, "import:@/lib/api:api.get")
    assert (get.context, get.awaited) == ("assign", True)
    assert not f.has_errors


def test_broken_code_does_not_raise():
    f = facts("""
        function (( { ] class } => ;;
        fetch(`abc ${
    """, "javascript", "src/x.js")
    assert f.has_errors and f.error_ranges
    for lang in ("javascript", "typescript", "tsx"):
        facts("export default { a: class extends { import from", lang)
        facts("", lang)


@pytest.mark.parametrize("src", [
    "x = " + "f(" * 3000 + "1" + ")" * 3000 + ";",
    "x = " + "[" * 3000 + "1" + "]" * 3000 + ";",
    "g({" + "a: {" * 2000 + "b: 1" + "}" * 2000 + "});",
    "a" + ".b()" * 5000 + ";",
    "const f = " + "() => " * 1500 + "g();",
    "function a(){" * 800 + "g(); this.x();" + "}" * 800,
    "if (a.b) {" * 1500 + "f(x.y);" + "}" * 1500,
], ids=["calls", "arrays", "objects", "chain", "arrows", "functions", "ifs"])
def test_deep_nesting_is_fast_and_safe(src):
    start = time.process_time()
    f = facts(src, "javascript", "src/x.js")
    assert time.process_time() - start < 3.0
    assert [c.id for c in f.calls] == list(range(len(f.calls)))
    assert all(len(c.callee) <= 400 or c.callee.startswith("local:") for c in f.calls)


def test_large_file_gives_the_facts_of_every_part():
    """A 5,000-line file: every repeated part gives the same facts (speed is measured in
    benchmarks/, not here)."""
    chunk = """
        import axios{i} from "axios";
        const api{i} = axios{i}.create({{ timeout: 5000 }});
        export async function load{i}(ids) {{
          const out = [];
          for (const id of ids) {{
            try {{
              const res = await fetch(`${{process.env.API}}/items/${{id}}`, {{ signal: AbortSignal.timeout(3000) }});
              if (!res.ok) {{ throw new Error(`bad ${{res.status}}`); }}
              out.push({{ id, data: await res.json(), at: new Date().getHours() }});
            }} catch (err) {{
              console.error("failed", err);
            }}
          }}
          await Promise.all(ids.map(async (id) => api{i}.get(`/x/${{id}}`).then((r) => r.data).catch(() => {{}})));
          return out;
        }}
        class Svc{i} {{
          constructor() {{ this.client = axios{i}.create({{ baseURL: "http://x" }}); }}
          async run(a) {{ return this.client.post("/b", {{ a }}); }}
        }}
    """
    one = extract(dedent(chunk).format(i=0).encode(), parse(dedent(chunk).format(i=0).encode(), "javascript"),
                  "src/one.js", "javascript")
    src = "".join(dedent(chunk).format(i=i) for i in range(250))
    assert src.count("\n") >= 5000
    data = src.encode()
    f = extract(data, parse(data, "javascript"), "src/big.js", "javascript")
    assert len(one.calls) == 12 and len(f.calls) == 250 * len(one.calls)
    assert [c.callee for c in f.calls[-12:]] == [c.callee for c in one.calls]
    # Calls on locals and unknown globals that no rule reads are not kept.
    assert not {"out.push", "Error", "res.json", "AbortSignal.timeout"} & {c.callee for c in f.calls}


def test_calls_no_rule_reads_are_not_kept():
    f = facts("""
        import { format } from "date-fns";
        import { api } from "./api";
        const Post = sequelize.define("Post", {});  // not kept: sequelize is nothing known here
        Post.belongsTo(Author, { as: "writer" });
        export async function show(req, res, next) {
          const { t } = useTranslation();
          const items = [];
          items.push(t("title"));
          event.preventDefault();
          format(new Date(), "yyyy");
          await api.load(req.params.id);
          const rows = await db.query("SELECT 1");
          await user.save();
          await post.getWriter();
          rows.forEach(handle);
          items.filter((x) => x.ok);
          new URL(req.url);
          when.getHours();
          next(new Error("x"));
          logger.info("done");
          return res.status(200).json(items);
        }
        function handle(row) {}
    """, keep_all=False)
    # `res.status(…)` is kept: a call of what a parameter holds may run a function the caller
    # handed over in an object (`options.handler(req)`, ERR001); `.json(…)` on its result is not.
    assert callees(f) == [
        "Post.belongsTo", "date-fns.format", "Date", "import:./api:api.load", "db.query",
        "user.save", "post.getWriter", "rows.forEach", "items.filter", "when.getHours", "next", "logger.info",
        "res.status",
    ]
    assert [c.id for c in f.calls] == list(range(len(f.calls)))  # renumbered densely
    assert call(f, "Date").arg_of == call(f, "date-fns.format").id
    assert call(f, "next").args[0].call_id is None  # `new Error(...)` was not kept


def test_member_reads_kept_only_on_names_rules_follow():
    f = facts("""
        export async function load(ids, req) {
          const res = await fetch(req.url);
          if (!res.ok) throw new Error(res.statusText);
          fetch("/x").then((r) => r.json());
          for (const id of ids) { console.log(id.value, req.body); }
          return config.timeout;
        }
    """, keep_all=False)
    assert [(a.name, a.attr, a.in_condition) for a in f.accesses] == [
        ("res", "ok", True), ("res", "statusText", False), ("r", "json", False), ("id", "value", False)]


def test_a_value_naming_a_dropped_call_names_no_call():
    # The last call of the file is dropped: nothing may still point at its old id.
    f = facts("""
        import { api } from "./api";
        export async function f(x) {
          return api.load(format(x));
        }
    """, keep_all=False)
    assert callees(f) == ["import:./api:api.load"]
    assert f.calls[0].args[0].kind == "call" and f.calls[0].args[0].call_id is None


def test_what_a_function_takes_not_to_fail():
    """``Function.settles`` / ``throws`` / ``reads_value`` / ``resolves_result`` (ERR005), with the
    calls no rule reads dropped (the waited-for ones are renumbered)."""
    f = facts("""
        import { save } from "./db";
        export const quiet = async (id: string) => {
          try { await save(id); } catch (e) { console.error(e); }
        };
        export const loud = async (id: string) => {
          try { await save(id); } catch (e) { console.error(e); throw e; }
        };
        export async function waits(id: string) {
          label(id).trim();
          await quiet(id);
        }
        export function chained(u: string) {
          return fetch(u).then((r) => r.json()).catch(() => null);
        }
        export async function team(store: any, id: string) {
          return store.dispatch(api.endpoints.getTeam.initiate({ id }));
        }
        export async function pending(this: any) { return this.current; }
        function label(id: string) { if (!id) throw new Error("no id"); return id; }
        export function show(store: any) {
          team(store, "a").then((res) => console.log(res.data.name));
        }
    """, keep_all=False)
    fns = f.functions
    assert fns["quiet"].settles == () and not fns["quiet"].throws
    assert fns["loud"].settles is None
    waited = [f.calls[cid] for cid, how in fns["waits"].settles or () if how == "wait"]
    assert [c.callee for c in waited] == ["local:quiet"]
    assert fns["label"].throws and fns["label"].settles is None
    assert [how for _, how in fns["chained"].settles or ()] == ["callbacks"]
    assert fns["team"].settles == () and fns["team"].resolves_result
    assert fns["pending"].settles is None  # may return a promise kept in a field
    then_cb = next(fn for fn in fns.values() if fn.callback_of is not None and fn.id.startswith("show"))
    assert then_cb.reads_value == 2

// Calls written from the API plan's shapes, through a client generated from the server's own OpenAPI document.
// If the document lies about a shape (a required field, a nullable one, an enum, an id's type), this file either
// fails to compile under strict tsc or fails at run time. Usage: node build/out/smoke.js <base-url>
import createClient from "openapi-fetch";
import type { components, paths } from "./build/api.js";

type Tier = components["schemas"]["UserResponse"]["tier"];

declare const process: { argv: string[] };

const baseUrl = process.argv[2];
if (!baseUrl) {
  throw new Error("usage: smoke.js <base-url>");
}

const api = createClient<paths>({ baseUrl });

function check(condition: boolean, what: string): asserts condition {
  if (!condition) {
    throw new Error(`smoke: ${what}`);
  }
}

const email = `smoke-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.com`;
const password = "correct horse battery staple";

// A login body without device_name must type-check: it is optional.
const registered = await api.POST("/api/v1/auth/register", { body: { email, password } });
check(registered.response.status === 201 && registered.data !== undefined, `register answered ${registered.response.status}`);
const session = registered.data.data; // data of a success envelope is never null
const userId: number = session.user.id;
const tier: Tier = session.user.tier;
check(tier === "free", `a new user is free, got ${tier}`);
check(session.token_type === "Bearer", "token_type");
check(typeof session.expires_in === "number" && !Number.isNaN(Date.parse(session.access_token_expires_at)), "token lifetimes");

const login = await api.POST("/api/v1/auth/login", { body: { email, password } });
check(login.data !== undefined, `login answered ${login.response.status}`);
const headers = { Authorization: `Bearer ${login.data.data.access_token}` };

const me = await api.GET("/api/v1/user/me", { headers });
check(me.data !== undefined && me.data.id === userId && me.data.email === email, "GET /user/me is the user");
const status: "active" | "past_due" | "canceled" | "paused" | "expired" | null = me.data.subscription_status;
check(status === null, "no subscription yet");

const profile = await api.PATCH("/api/v1/profile", { headers, body: { display_name: "Smoke Test", preferences: { theme: "dark" } } });
check(profile.data !== undefined && profile.data.data.display_name === "Smoke Test", "PATCH /profile");
const role: "user" | "admin" = profile.data.data.role;
check(role === "user", "role");

const sessions = await api.GET("/api/v1/auth/sessions", { headers, params: { query: { page: 1, page_size: 10 } } });
check(sessions.data !== undefined && sessions.data.total === 2 && sessions.data.items.length === 2, "two sessions listed");
const other = sessions.data.items.find((s) => !s.current);
check(other !== undefined, "the register session is listed as not current");

const deleted = await api.DELETE("/api/v1/auth/sessions/{session_id}", { headers, params: { path: { session_id: other.id } } });
check(deleted.response.status === 204, `DELETE session answered ${deleted.response.status}`);

const refused = await api.POST("/api/v1/auth/login", { body: { email, password: "not the password!" } });
check(refused.error !== undefined && refused.error.error.code === "AUTH_INVALID_CREDENTIALS", "a wrong password is refused in the envelope");

await api.POST("/api/v1/auth/logout", { headers });
const after = await api.GET("/api/v1/user/me", { headers });
check(after.response.status === 401 && after.error?.error.code === "AUTH_SESSION_REVOKED", "the token is refused after logout");

console.log("smoke: ok");

// The edge's session endpoints: JSON with Connect's protocol header, as the edge demands of every
// POST (which is what keeps another site's form from using the cookie).
import { Code, ConnectError } from "@connectrpc/connect";
import { explain } from "./errors";

export interface Me {
  userId: string;
  siteCode: string;
  roles: string[];
  departmentCode: string;
  windowCode: string;
  expireTime: string;
}

async function post<T>(path: string, body: object): Promise<T> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Connect-Protocol-Version": "1" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new ConnectError(String(payload.message ?? ""), codeOf(String(payload.code ?? "")));
  }
  return payload as T;
}

/** Connect's JSON error code ("permission_denied") as the Code enum (PermissionDenied). */
export function codeOf(name: string): Code {
  const camel = name.replace(/(^|_)([a-z])/g, (_m, _sep: string, c: string) => c.toUpperCase());
  const value = (Code as unknown as Record<string, number | undefined>)[camel];
  return value === undefined ? Code.Unknown : (value as Code);
}

export function login(userId: string, password: string): Promise<unknown> {
  return post("/session/login", { userId, password });
}

export async function me(): Promise<Me | null> {
  try {
    return await post<Me>("/session/me", {});
  } catch (error) {
    if (explain(error).code === Code.Unauthenticated) return null;
    throw error;
  }
}

export function logout(): Promise<unknown> {
  return post("/session/logout", {});
}

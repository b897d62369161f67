// One Connect transport to the page's own origin (the gateway's edge serves both), carrying the
// session cookie the edge set at login; a client per service, typed from the generated code.
import { type DescService } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { AcceptanceService } from "../gen/tongban/acceptance/v1/acceptance_pb";
import { CatalogService } from "../gen/tongban/acceptance/v1/catalog_pb";
import { ReviewService } from "../gen/tongban/approval/v1/approval_pb";
import { LeaveService } from "../gen/tongban/staff/v1/leave_pb";
import { SupervisionService } from "../gen/tongban/supervision/v1/supervision_pb";

const transport = createConnectTransport({
  baseUrl: typeof window === "undefined" ? "http://localhost" : window.location.origin,
  useBinaryFormat: true,
  defaultTimeoutMs: 30_000,
});

function client<T extends DescService>(service: T): Client<T> {
  return createClient(service, transport);
}

export const acceptance = client(AcceptanceService);
export const catalog = client(CatalogService);
export const review = client(ReviewService);
export const supervision = client(SupervisionService);
export const leave = client(LeaveService);

/** A fresh idempotency key for one user action: a retry of the same action reuses it. */
export function requestId(): string {
  return crypto.randomUUID();
}

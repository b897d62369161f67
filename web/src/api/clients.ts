// One Connect transport to the page's own origin (the gateway's edge serves both), carrying the
// session cookie the edge set at login; a client per service, typed from the generated code.
import { type DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, type Client, type Interceptor, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { AcceptanceService } from "../gen/tongban/acceptance/v1/acceptance_pb";
import { CatalogService } from "../gen/tongban/acceptance/v1/catalog_pb";
import { CatalogAdminService } from "../gen/tongban/acceptance/v1/catalog_admin_pb";
import { ReviewService } from "../gen/tongban/approval/v1/approval_pb";
import { AssessmentService } from "../gen/tongban/staff/v1/assessment_pb";
import { CalendarService } from "../gen/tongban/staff/v1/calendar_pb";
import { LeaveService } from "../gen/tongban/staff/v1/leave_pb";
import { OrganisationService } from "../gen/tongban/staff/v1/organisation_pb";
import { RotationService } from "../gen/tongban/staff/v1/rotation_pb";
import { SupervisionService } from "../gen/tongban/supervision/v1/supervision_pb";

// A session that ran out (or an account disabled meanwhile) sends the user back to sign in,
// rather than leaving every screen to say so.
const signInAgain: Interceptor = (next) => async (request) => {
  try {
    return await next(request);
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.Unauthenticated && window.location.pathname !== "/login") {
      window.location.assign("/login?expired=1");
    }
    throw error;
  }
};

const transport = createConnectTransport({
  baseUrl: typeof window === "undefined" ? "http://localhost" : window.location.origin,
  useBinaryFormat: true,
  defaultTimeoutMs: 30_000,
  interceptors: [signInAgain],
});

function client<T extends DescService>(service: T): Client<T> {
  return createClient(service, transport);
}

export const acceptance = client(AcceptanceService);
export const catalog = client(CatalogService);
export const catalogAdmin = client(CatalogAdminService);
export const review = client(ReviewService);
export const supervision = client(SupervisionService);
export const leave = client(LeaveService);
export const organisation = client(OrganisationService);
export const assessment = client(AssessmentService);
export const calendar = client(CalendarService);
export const rotation = client(RotationService);

/** A fresh idempotency key for one user action: a retry of the same action reuses it. */
export function requestId(): string {
  return crypto.randomUUID();
}

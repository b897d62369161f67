// What the API's refusals say, for the form that caused them: google.rpc BadRequest field
// violations become sentences beside their fields; everything else one sentence for the page.
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema } from "../gen/google/rpc/error_details_pb";

export interface Explained {
  /** A sentence for the whole form or page. */
  message: string;
  /** Sentences per field path as the API names it (`applicant.id_number`). */
  fields: Record<string, string>;
  code: Code;
}

// The API answers in "中文 / English": the console shows the Chinese half.
export function chinese(text: string): string {
  const cut = text.indexOf(" / ");
  return cut > 0 ? text.slice(0, cut) : text;
}

const BY_CODE: Partial<Record<Code, string>> = {
  [Code.Unauthenticated]: "登录已过期，请重新登录",
  [Code.PermissionDenied]: "您没有权限进行此操作",
  [Code.Unavailable]: "服务暂时不可用，请稍后重试",
  [Code.DeadlineExceeded]: "服务响应超时，请稍后重试",
  [Code.Internal]: "系统内部错误，请联系管理员",
};

export function explain(reason: unknown): Explained {
  const error = ConnectError.from(reason);
  const fields: Record<string, string> = {};
  for (const detail of error.findDetails(BadRequestSchema)) {
    for (const violation of detail.fieldViolations) {
      const sentence = chinese(violation.description);
      fields[violation.field] = fields[violation.field] ? `${fields[violation.field]}；${sentence}` : sentence;
    }
  }
  const raw = chinese(error.rawMessage);
  const message = raw || BY_CODE[error.code] || "操作未成功";
  return { message, fields, code: error.code };
}

/** Whether the service answered (so the action surely did not happen) rather than the answer
 * being lost on the way: only then does a retry need a new request id. After a lost answer the
 * same id is sent again, and the service returns the first result instead of acting twice. */
export function answered(code: Code): boolean {
  return ![Code.Unavailable, Code.DeadlineExceeded, Code.Canceled, Code.Unknown, Code.Internal].includes(code);
}

import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { BadRequestSchema } from "../gen/google/rpc/error_details_pb";
import { chinese, explain } from "./errors";

describe("explain", () => {
  it("puts each field violation's Chinese sentence under its field", () => {
    const detail = create(BadRequestSchema, {
      fieldViolations: [
        { field: "applicant.id_number", description: "身份证号码校验位不正确 / the check character is wrong" },
        { field: "applicant.phone", description: "电话号码格式不正确 / bad phone" },
        { field: "applicant.phone", description: "最多 20 个字 / at most 20 characters" },
      ],
    });
    const error = new ConnectError("申请信息有误, 请按提示修改 / the application has errors", Code.InvalidArgument, undefined, [
      { desc: BadRequestSchema, value: detail },
    ]);
    const explained = explain(error);
    expect(explained.message).toBe("申请信息有误, 请按提示修改");
    expect(explained.fields).toEqual({
      "applicant.id_number": "身份证号码校验位不正确",
      "applicant.phone": "电话号码格式不正确；最多 20 个字",
    });
  });

  it("reads details that arrived as bytes over the wire", () => {
    const value = toBinary(BadRequestSchema, create(BadRequestSchema, { fieldViolations: [{ field: "reason", description: "必填 / required" }] }));
    const error = new ConnectError("x", Code.InvalidArgument);
    error.details.push({ type: "google.rpc.BadRequest", value }); // as the transport stores them
    expect(explain(error).fields).toEqual({ reason: "必填" });
  });

  it("says something for a refusal without a message", () => {
    expect(explain(new ConnectError("", Code.PermissionDenied)).message).toBe("您没有权限进行此操作");
    expect(chinese("没有 / none")).toBe("没有");
  });
});

describe("codeOf", async () => {
  const { codeOf } = await import("./session");
  it("maps Connect's JSON code names", () => {
    expect(codeOf("permission_denied")).toBe(Code.PermissionDenied);
    expect(codeOf("unauthenticated")).toBe(Code.Unauthenticated);
    expect(codeOf("nonsense")).toBe(Code.Unknown);
  });
});

describe("answered", async () => {
  const { answered } = await import("./errors");
  it("needs a new request id only when the service surely refused", () => {
    expect(answered(Code.InvalidArgument)).toBe(true);
    expect(answered(Code.FailedPrecondition)).toBe(true);
    expect(answered(Code.Unavailable)).toBe(false);
    expect(answered(Code.DeadlineExceeded)).toBe(false);
  });
});

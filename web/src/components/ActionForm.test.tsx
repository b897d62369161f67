// @vitest-environment jsdom
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Form, Input } from "antd";
import { describe, expect, it, vi } from "vitest";
import { BadRequestSchema } from "../gen/google/rpc/error_details_pb";
import { ActionForm } from "./ActionForm";

function refusal(violations: { field: string; description: string }[]): ConnectError {
  const detail = create(BadRequestSchema, { fieldViolations: violations });
  return new ConnectError("撤回信息有误 / the withdrawal has errors", Code.InvalidArgument, undefined, [
    { desc: BadRequestSchema, value: detail },
  ]);
}

function withdraw(run: (values: { reason: string }, requestId: string) => Promise<unknown>, onDone = vi.fn()) {
  render(
    <ActionForm<{ reason: string }> name="withdraw" fields={["reason"]} submitText="撤回申请" doneText="已撤回" run={run} onDone={onDone}>
      {() => (
        <Form.Item name="reason" label="撤回原因">
          <Input />
        </Form.Item>
      )}
    </ActionForm>,
  );
  return onDone;
}

const fieldOf = (label: string) => screen.getByLabelText(label).closest(".ant-form-item") as HTMLElement;

describe("ActionForm", () => {
  it("puts the service's sentence beside its field and the rest above the button", async () => {
    const run = vi.fn().mockRejectedValue(
      refusal([
        { field: "reason", description: "撤回原因必填 / reason is required" },
        { field: "case_no", description: "办件不存在 / no such case" },
      ]),
    );
    const onDone = withdraw(run);
    await userEvent.click(screen.getByRole("button", { name: "撤回申请" }));
    expect(await screen.findByText("撤回原因必填")).toBeTruthy();
    expect(fieldOf("撤回原因").textContent).toContain("撤回原因必填");
    expect(screen.getByRole("alert").textContent).toContain("撤回信息有误");
    expect(screen.getByRole("alert").textContent).toContain("case_no：办件不存在");
    expect(onDone).not.toHaveBeenCalled();
  });

  it("says the action is done once it is", async () => {
    const run = vi.fn().mockResolvedValue({});
    const onDone = withdraw(run);
    await userEvent.type(screen.getByLabelText("撤回原因"), "申请人不再办理");
    await userEvent.click(screen.getByRole("button", { name: "撤回申请" }));
    expect(await screen.findByText("已撤回")).toBeTruthy();
    expect(run).toHaveBeenCalledWith({ reason: "申请人不再办理" }, expect.any(String));
    expect(onDone).toHaveBeenCalledOnce();
  });

  it("repeats the same request after a lost answer, and a new one after a refusal", async () => {
    const run = vi
      .fn()
      .mockRejectedValueOnce(new ConnectError("", Code.Unavailable))
      .mockRejectedValueOnce(refusal([{ field: "reason", description: "太长 / too long" }]))
      .mockResolvedValue({});
    withdraw(run);
    const press = () => userEvent.click(screen.getByRole("button", { name: "撤回申请" }));
    await press();
    expect(await screen.findByText("服务暂时不可用，请稍后重试")).toBeTruthy();
    await press();
    await screen.findByText("太长");
    await press();
    await screen.findByText("已撤回");
    const ids = run.mock.calls.map((call) => call[1] as string);
    expect(ids[1]).toBe(ids[0]); // the lost answer's action, asked again: the service answers as the first time
    expect(ids[2]).not.toBe(ids[1]); // refused, so surely not done: a new action
  });

  it("empties once done, and its next use is a new action", async () => {
    const run = vi.fn().mockResolvedValue({});
    withdraw(run);
    const field = () => screen.getByLabelText("撤回原因") as HTMLInputElement; // remade on reset
    await userEvent.type(field(), "第一次");
    await userEvent.click(screen.getByRole("button", { name: "撤回申请" }));
    await screen.findByText("已撤回");
    await vi.waitFor(() => expect(field().value).toBe(""));
    await userEvent.type(field(), "第二次");
    await userEvent.click(screen.getByRole("button", { name: "撤回申请" }));
    await vi.waitFor(() => expect(run).toHaveBeenCalledTimes(2));
    const ids = run.mock.calls.map((call) => call[1] as string);
    expect(ids[1]).not.toBe(ids[0]);
  });
});

// @vitest-environment jsdom
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { BadRequestSchema } from "../../gen/google/rpc/error_details_pb";
import {
  GetMatterResponseSchema,
  HandlingType,
  MaterialForm,
  MaterialRequirement,
  ServiceMode,
} from "../../gen/tongban/acceptance/v1/catalog_pb";
import { Intake } from "./Intake";

const api = vi.hoisted(() => ({
  getMatter: vi.fn(),
  submitApplication: vi.fn(),
}));
vi.mock("../../api/clients", () => ({
  catalog: { getMatter: api.getMatter },
  acceptance: { submitApplication: api.submitApplication },
  requestId: () => crypto.randomUUID(),
}));

const HOUSEHOLD = create(GetMatterResponseSchema, {
  matter: {
    code: "320826-GA-QT-001",
    name: "户口迁移(准迁证)办理",
    departmentName: "县公安局",
    handlingType: HandlingType.PROMISED,
    serviceMode: ServiceMode.JOINT,
    promisedLimitDays: 5,
    materials: [
      { code: "M01", name: "户口迁移申请表", requirement: MaterialRequirement.REQUIRED, form: MaterialForm.ORIGINAL, copies: 1 },
      { code: "M02", name: "居民户口簿", requirement: MaterialRequirement.REQUIRED, form: MaterialForm.ORIGINAL_AND_COPY, copies: 1 },
    ],
  },
});

function openIntake() {
  render(
    <MemoryRouter initialEntries={["/clerk/intake/320826-GA-QT-001"]}>
      <Routes>
        <Route path="/clerk/intake/:matterCode" element={<Intake />} />
        <Route path="/cases/:caseNo" element={<p>办件页</p>} />
      </Routes>
    </MemoryRouter>,
  );
  return seen("收件：户口迁移(准迁证)办理");
}

// Polled rather than watched: antd adds a style element per component, and a query on every
// DOM mutation (findBy*) makes the first render of a big form take half a minute in jsdom.
function seen(text: string): Promise<HTMLElement> {
  return vi.waitFor(() => screen.getByText(text), { timeout: 20_000, interval: 100 });
}

// Keys without a pause between them: antd re-renders the form on each, which jsdom makes slow.
const user = userEvent.setup({ delay: null });
const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

const errorBeside = (label: string) => (screen.getByLabelText(label).closest(".ant-form-item") as HTMLElement).textContent;

describe("the intake form", () => {
  beforeEach(() => {
    api.getMatter.mockResolvedValue(HOUSEHOLD);
    api.submitApplication.mockReset();
  });

  it("checks the ID number as the clerk types it", async () => {
    await openIntake();
    await user.type(screen.getByLabelText("身份证号"), "3208261985");
    expect(screen.getByText("已输入 10 位，共 18 位")).toBeTruthy();
    fill("身份证号", "320826198502300021");
    expect(await seen("出生日期 19850230 不存在")).toBeTruthy();
    fill("身份证号", "320826198503120021");
    expect(await seen("校验位不正确：按前 17 位应为 X，请核对证件")).toBeTruthy();
    fill("身份证号", "32082619850312002x"); // a lower-case x is the same check character
    expect(await seen("✓ 校验通过")).toBeTruthy();
  });

  it("goes from field to field and into the checklist from the keyboard", async () => {
    await openIntake();
    expect(document.activeElement).toBe(screen.getByLabelText("姓名/名称")); // typing starts at once
    await user.keyboard("王秀英");
    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText("身份证号"));
    await user.tab();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText("联系地址"));
    await user.tab();
    const m01 = screen.getByRole("checkbox", { name: "收到 M01 户口迁移申请表" });
    expect(document.activeElement).toBe(m01);
    await user.keyboard(" ");
    expect((m01 as HTMLInputElement).checked).toBe(true);
  });

  it("says what is missing before sending, and the service's refusal beside its field", async () => {
    await openIntake();
    await user.click(screen.getByRole("button", { name: "提交（受理或一次性告知）" }));
    expect(await seen("请填写申请人姓名或名称")).toBeTruthy();
    expect(api.submitApplication).not.toHaveBeenCalled();

    api.submitApplication.mockRejectedValue(
      new ConnectError("申请信息有误, 请按提示修改 / the application has errors", Code.InvalidArgument, undefined, [
        {
          desc: BadRequestSchema,
          value: create(BadRequestSchema, {
            fieldViolations: [{ field: "applicant.phone", description: "电话号码格式不正确 / bad phone number" }],
          }),
        },
      ]),
    );
    fill("姓名/名称", "王秀英");
    fill("身份证号", "32082619850312002X");
    fill("联系电话", "158517123");
    await user.click(screen.getByRole("checkbox", { name: "收到 M02 居民户口簿" }));
    await user.click(screen.getByRole("button", { name: "提交（受理或一次性告知）" }));
    expect(await seen("电话号码格式不正确")).toBeTruthy();
    expect(errorBeside("联系电话")).toContain("电话号码格式不正确");
    expect(api.submitApplication).toHaveBeenCalledWith(
      expect.objectContaining({
        matterCode: "320826-GA-QT-001",
        applicant: expect.objectContaining({ name: "王秀英", idNumber: "32082619850312002X" }),
        materials: [{ materialCode: "M02", form: MaterialForm.ORIGINAL_AND_COPY, copies: 1, defect: "" }],
      }),
    );
  });
});

// @vitest-environment jsdom
import { create } from "@bufbuild/protobuf";
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { MatterVersionSchema, VersionState } from "../../gen/tongban/acceptance/v1/catalog_admin_pb";
import {
  DecidingLevel,
  HandlingType,
  MaterialForm,
  MaterialRequirement,
  MatterSchema,
  SiteLevel,
  StepKind,
} from "../../gen/tongban/acceptance/v1/catalog_pb";
import { Role } from "../../gen/tongban/access/v1/access_pb";
import { toValues } from "../../lib/draft";
import { DraftEditor } from "./DraftEditor";

const api = vi.hoisted(() => ({ saveMatterDraft: vi.fn() }));
vi.mock("../../api/clients", () => ({
  catalogAdmin: { saveMatterDraft: api.saveMatterDraft },
  requestId: () => crypto.randomUUID(),
}));

const RELIEF = create(MatterSchema, {
  code: "320826-MZ-GG-002",
  name: "特困人员救助供养",
  departmentCode: "MZ",
  departmentName: "县民政局",
  handlingType: HandlingType.PROMISED,
  legalLimitDays: 30,
  promisedLimitDays: 20,
  acceptingLevels: [SiteLevel.TOWNSHIP],
  decidingLevel: DecidingLevel.COUNTY,
  materials: [
    { code: "M01", name: "申请书", requirement: MaterialRequirement.REQUIRED, form: MaterialForm.ORIGINAL, copies: 1 },
    { code: "M02", name: "居民身份证", requirement: MaterialRequirement.REQUIRED, form: MaterialForm.COPY, copies: 1 },
  ],
  reviewSteps: [
    { name: "乡镇初审", kind: StepKind.INITIAL_REVIEW, role: Role.CLERK, timeLimitDays: 2 },
    { name: "部门审核", kind: StepKind.REVIEW, role: Role.REVIEWER, timeLimitDays: 9 },
    { name: "审批决定", kind: StepKind.DECISION, role: Role.REVIEWER, timeLimitDays: 9 },
  ],
  fees: [{ name: "工本费", amountFen: 1000n, basis: "苏价费〔2020〕1号" }],
});

const user = userEvent.setup({ delay: null });
const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
// Polled: a query on every DOM mutation (findBy*) is very slow under antd's style elements.
const seen = (text: string) => vi.waitFor(() => screen.getByText(text), { timeout: 20_000, interval: 100 });

function open(onSaved = vi.fn()) {
  render(<DraftEditor initial={toValues(RELIEF)} isNew={false} onSaved={onSaved} />);
  return onSaved;
}

describe("the draft editor", () => {
  beforeEach(() => api.saveMatterDraft.mockReset());

  // Where the service's sentences land is lib/draft.test.ts's, and the browser test's.
  it("keeps the matter's code and asks why before saving anything", async () => {
    open();
    expect((screen.getByLabelText("事项编码") as HTMLInputElement).disabled).toBe(true); // a matter keeps its code
    await user.click(screen.getByRole("button", { name: "保存草稿" }));
    await seen("请写明为何修订，如 承诺时限缩短为18个工作日");
    expect(api.saveMatterDraft).not.toHaveBeenCalled();

  });

  it("sends the matter as edited and hands back the saved draft", async () => {
    const saved = create(MatterVersionSchema, { matterCode: RELIEF.code, version: 2, state: VersionState.DRAFT });
    api.saveMatterDraft.mockResolvedValue({ version: saved });
    const onSaved = open();
    fill("承诺时限（工作日）", "18");
    fill("环节 2 时限", "7");
    fill("材料 2 份数", "2");
    fill("修订说明", "  承诺时限缩短为18个工作日 ");
    await user.click(screen.getByRole("button", { name: "添加材料" }));
    expect((screen.getByLabelText("材料 3 编码") as HTMLInputElement).value).toBe("M03"); // the next free code
    fill("材料 3 名称", "低保证明");
    await user.click(screen.getByRole("button", { name: "保存草稿" }));
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved), { timeout: 20_000 });
    const request = api.saveMatterDraft.mock.calls[0][0];
    expect(request.note).toBe("承诺时限缩短为18个工作日");
    expect(request.matter.promisedLimitDays).toBe(18);
    expect(request.matter.reviewSteps.map((s: { timeLimitDays: number }) => s.timeLimitDays)).toEqual([2, 7, 9]);
    expect(request.matter.materials.map((m: { code: string; copies: number }) => [m.code, m.copies])).toEqual([
      ["M01", 1],
      ["M02", 2],
      ["M03", 1],
    ]);
    expect(request.matter.fees[0].amountFen).toBe(1000n); // 10.00 yuan on screen, fen on the wire
  });
});

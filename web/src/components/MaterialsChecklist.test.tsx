// @vitest-environment jsdom
import { create } from "@bufbuild/protobuf";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { MaterialForm, MaterialRequirement, MaterialSchema } from "../gen/tongban/acceptance/v1/catalog_pb";
import { type Checklist, emptyChecklist, MaterialsChecklist, provided } from "./MaterialsChecklist";

const materials = [
  create(MaterialSchema, { code: "M01", name: "申请书", requirement: MaterialRequirement.REQUIRED, form: MaterialForm.ORIGINAL, copies: 1 }),
  create(MaterialSchema, { code: "M02", name: "居民身份证", requirement: MaterialRequirement.REQUIRED, form: MaterialForm.COPY, copies: 2 }),
  create(MaterialSchema, {
    code: "M05",
    name: "残疾人证",
    requirement: MaterialRequirement.CONDITIONAL,
    condition: "以残疾为由申请的",
    form: MaterialForm.COPY,
    copies: 1,
  }),
];

function Harness({ onChange, outstanding }: { onChange: (c: Checklist) => void; outstanding?: Set<string> }) {
  const [value, setValue] = useState(emptyChecklist(materials));
  return (
    <MaterialsChecklist
      materials={materials}
      value={value}
      outstanding={outstanding}
      onChange={(next) => {
        setValue(next);
        onChange(next);
      }}
    />
  );
}

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;

describe("MaterialsChecklist", () => {
  it("lists each material with what the matter asks for", () => {
    render(<Harness onChange={() => {}} />);
    expect(screen.getByText("复印件 2 份")).toBeTruthy();
    expect(screen.getByText("视情形：以残疾为由申请的")).toBeTruthy();
  });

  it("asks for form, copies and defects only of what was handed in", async () => {
    render(<Harness onChange={() => {}} />);
    expect(input("M02 份数").disabled).toBe(true);
    expect(input("M02 缺陷说明").disabled).toBe(true);
    await userEvent.click(screen.getByRole("checkbox", { name: "收到 M02 居民身份证" }));
    expect(input("M02 份数").disabled).toBe(false);
    expect(input("M02 份数").value).toBe("2"); // the matter's number to start from
    expect(input("M01 份数").disabled).toBe(true);
  });

  it("asks whether a conditional material applies, and of no other", () => {
    render(<Harness onChange={() => {}} />);
    expect(screen.getByRole("checkbox", { name: "M05 适用于本申请人" })).toBeTruthy();
    expect(screen.queryByRole("checkbox", { name: "M01 适用于本申请人" })).toBeNull();
  });

  it("sends what was ticked, with the copies and the defect typed", async () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    await userEvent.click(screen.getByRole("checkbox", { name: "收到 M01 申请书" }));
    await userEvent.type(input("M01 缺陷说明"), "未签字 ");
    await userEvent.click(screen.getByRole("checkbox", { name: "M05 适用于本申请人" }));
    const last = onChange.mock.calls.at(-1)?.[0] as Checklist;
    expect(provided(last)).toEqual({
      materials: [{ materialCode: "M01", form: MaterialForm.ORIGINAL, copies: 1, defect: "未签字" }],
      conditionsApply: ["M05"],
    });
  });

  it("marks what a one-time notice still wants", () => {
    render(<Harness onChange={() => {}} outstanding={new Set(["M02"])} />);
    expect(screen.getByText("待补正").closest("tr")?.textContent).toContain("居民身份证");
  });
});

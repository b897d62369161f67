// @vitest-environment jsdom
import { Code } from "@connectrpc/connect";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ErrorAlert } from "./ErrorAlert";

const refusal = { message: "申请信息有误, 请按提示修改", fields: { "applicant.phone": "电话号码格式不正确" }, code: Code.InvalidArgument };

describe("ErrorAlert", () => {
  it("shows nothing when nothing was refused", () => {
    const { container } = render(<ErrorAlert error={null} />);
    expect(container.textContent).toBe("");
  });

  it("says the refusal and, by default, each field's sentence with its field", () => {
    render(<ErrorAlert error={refusal} />);
    expect(screen.getByRole("alert").textContent).toContain("申请信息有误, 请按提示修改");
    expect(screen.getByText("applicant.phone：电话号码格式不正确")).toBeTruthy();
  });

  it("lists only the sentences no field showed when the form placed the others", () => {
    render(<ErrorAlert error={refusal} rest={["M03：缺少"]} />);
    expect(screen.getByText("M03：缺少")).toBeTruthy();
    expect(screen.queryByText(/电话号码格式不正确/)).toBeNull();
  });
});

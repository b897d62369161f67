import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { MatterSchema } from "../gen/tongban/acceptance/v1/catalog_pb";
import { draftFieldPath, nextMaterialCode, placeDraftErrors, toMatter, toValues } from "./draft";

const values = toValues(
  create(MatterSchema, {
    code: "320826-MZ-GG-002",
    materials: [{ code: "M01" }, { code: "M02" }],
    reviewSteps: [{ name: "乡镇初审" }],
    fees: [{ name: "工本费", amountFen: 1050n }],
  }),
);

describe("the draft editor's values", () => {
  it("names the API's list fields as antd's lists do", () => {
    expect(draftFieldPath("matter.materials[1].copies")).toEqual(["matter", "materials", 1, "copies"]);
    expect(draftFieldPath("matter.review_steps")).toEqual(["matter", "reviewSteps"]);
  });

  it("puts each sentence beside the field the editor shows, and the rest above the buttons", () => {
    const { placed, rest } = placeDraftErrors(
      {
        "matter.review_steps": "各环节时限之和超过承诺时限",
        "matter.materials[1].copies": "份数至少为 1",
        "matter.materials[5].copies": "份数至少为 1",
        "matter.fees[0].amount_fen": "不能大于 100000000",
        note: "至多 500 字",
        "matter.version": "版本冲突",
      },
      values,
    );
    expect(placed.map((p) => p.name)).toEqual([
      ["matter", "reviewSteps"],
      ["matter", "materials", 1, "copies"],
      ["matter", "fees", 0, "amountYuan"],
      ["note"],
    ]);
    expect(rest).toEqual(["matter.materials[5].copies：份数至少为 1", "matter.version：版本冲突"]);
  });

  it("shows fees in yuan and sends them in fen", () => {
    expect(values.fees[0].amountYuan).toBe(10.5);
    expect(toMatter({ ...values, fees: [{ name: "工本费", amountYuan: 12.34, basis: "" }] }).fees?.[0].amountFen).toBe(1234n);
  });

  it("numbers a new material after the last free code", () => {
    expect(nextMaterialCode(["M01", "M02", "M04"])).toBe("M03");
    expect(nextMaterialCode([])).toBe("M01");
  });
});

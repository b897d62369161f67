import { describe, expect, it } from "vitest";
import { formPath, placeFieldErrors } from "./formErrors";

describe("form errors", () => {
  it("turns the API's proto paths into the form's camelCase paths", () => {
    expect(formPath("applicant.id_number")).toEqual(["applicant", "idNumber"]);
    expect(formPath("non_acceptance.competent_agency")).toEqual(["nonAcceptance", "competentAgency"]);
    expect(formPath("materials[1].material_code")).toEqual(["materials[1]", "materialCode"]);
  });

  it("keeps the violations no field shows for the form's message", () => {
    const known = (path: (string | number)[]) => path.join(".") === "applicant.phone";
    expect(
      placeFieldErrors({ "applicant.phone": "格式不正确", M03: "缺少" }, known),
    ).toEqual({ placed: [{ name: ["applicant", "phone"], errors: ["格式不正确"] }], rest: ["M03：缺少"] });
  });
});

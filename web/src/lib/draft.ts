// A matter as the draft editor holds it, and back: the form keeps plain values (a fee's amount in
// yuan, as the officer reads the fee schedule), the request takes the generated message's shape.
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  DecidingLevel,
  HandlingType,
  type Matter,
  MaterialForm,
  MaterialRequirement,
  type MatterSchema,
  ServiceMode,
  StepKind,
} from "../gen/tongban/acceptance/v1/catalog_pb";
import { Role } from "../gen/tongban/access/v1/access_pb";
import { formPath } from "./formErrors";

export interface MaterialValues {
  code: string;
  name: string;
  requirement: MaterialRequirement;
  condition: string;
  form: MaterialForm;
  copies: number;
}

export interface StepValues {
  name: string;
  kind: StepKind;
  role: Role;
  timeLimitDays: number;
  departmentCodes: string[];
  leadDepartmentCode: string;
}

export interface FeeValues {
  name: string;
  amountYuan: number;
  basis: string;
}

export interface MatterValues {
  code: string;
  name: string;
  departmentCode: string;
  departmentName: string;
  kind: number;
  handlingType: number;
  legalLimitDays: number;
  promisedLimitDays: number;
  acceptingLevels: number[];
  decidingLevel: number;
  serviceMode: number;
  specialProcedures: number[];
  legalBasis: string;
  materials: MaterialValues[];
  reviewSteps: StepValues[];
  fees: FeeValues[];
}

export interface DraftValues {
  matter: MatterValues;
  note: string;
}

export function toValues(matter: Matter | undefined, departmentCode = ""): MatterValues {
  if (!matter) {
    return {
      code: "",
      name: "",
      departmentCode,
      departmentName: "",
      kind: 0,
      handlingType: HandlingType.PROMISED,
      legalLimitDays: 20,
      promisedLimitDays: 10,
      acceptingLevels: [],
      decidingLevel: DecidingLevel.COUNTY,
      serviceMode: ServiceMode.LOCAL,
      specialProcedures: [],
      legalBasis: "",
      materials: [blankMaterial()],
      reviewSteps: [],
      fees: [],
    };
  }
  return {
    code: matter.code,
    name: matter.name,
    departmentCode: matter.departmentCode,
    departmentName: matter.departmentName,
    kind: matter.kind,
    handlingType: matter.handlingType,
    legalLimitDays: matter.legalLimitDays,
    promisedLimitDays: matter.promisedLimitDays,
    acceptingLevels: [...matter.acceptingLevels],
    decidingLevel: matter.decidingLevel,
    serviceMode: matter.serviceMode,
    specialProcedures: [...matter.specialProcedures],
    legalBasis: matter.legalBasis,
    materials: matter.materials.map((m) => ({
      code: m.code,
      name: m.name,
      requirement: m.requirement,
      condition: m.condition,
      form: m.form,
      copies: m.copies,
    })),
    reviewSteps: matter.reviewSteps.map((s) => ({
      name: s.name,
      kind: s.kind,
      role: s.role,
      timeLimitDays: s.timeLimitDays,
      departmentCodes: [...s.departmentCodes],
      leadDepartmentCode: s.leadDepartmentCode,
    })),
    fees: matter.fees.map((f) => ({ name: f.name, amountYuan: Number(f.amountFen) / 100, basis: f.basis })),
  };
}

/** The form's values as SaveMatterDraft's matter; empty inputs count as nothing given. */
export function toMatter(values: MatterValues): MessageInitShape<typeof MatterSchema> {
  return {
    ...values,
    code: values.code.trim(),
    name: values.name.trim(),
    departmentCode: values.departmentCode.trim().toUpperCase(),
    legalLimitDays: values.legalLimitDays ?? 0,
    promisedLimitDays: values.promisedLimitDays ?? 0,
    materials: (values.materials ?? []).map((m) => ({ ...m, code: m.code.trim(), copies: m.copies ?? 0 })),
    reviewSteps: (values.reviewSteps ?? []).map((s) => ({
      ...s,
      timeLimitDays: s.timeLimitDays ?? 0,
      departmentCodes: s.departmentCodes ?? [],
      leadDepartmentCode: s.leadDepartmentCode ?? "",
    })),
    fees: (values.fees ?? []).map((f) => ({ name: f.name, basis: f.basis, amountFen: BigInt(Math.round((f.amountYuan ?? 0) * 100)) })),
  };
}

/** The next free material code, M01, M02, …, as the seed catalogue numbers them. */
export function nextMaterialCode(taken: string[]): string {
  for (let n = 1; ; n++) {
    const code = `M${String(n).padStart(2, "0")}`;
    if (!taken.includes(code)) return code;
  }
}

export function blankMaterial(taken: string[] = []): MaterialValues {
  return {
    code: nextMaterialCode(taken),
    name: "",
    requirement: MaterialRequirement.REQUIRED,
    condition: "",
    form: MaterialForm.ORIGINAL,
    copies: 1,
  };
}

export function blankStep(): StepValues {
  return { name: "", kind: StepKind.REVIEW, role: Role.REVIEWER, timeLimitDays: 1, departmentCodes: [], leadDepartmentCode: "" };
}

/** An API field path as the editor's form names it: `matter.materials[2].copies` is
 * ["matter", "materials", 2, "copies"] (antd's lists index by number). */
export function draftFieldPath(apiField: string): (string | number)[] {
  return formPath(apiField).flatMap((part) => {
    const indexed = /^(.+)\[(\d+)\]$/.exec(String(part));
    return indexed ? [indexed[1], Number(indexed[2])] : [part];
  });
}

const MATTER_FIELDS = new Set([
  "code", "name", "departmentCode", "departmentName", "kind", "handlingType", "legalLimitDays",
  "promisedLimitDays", "acceptingLevels", "decidingLevel", "serviceMode", "specialProcedures",
  "legalBasis", "materials", "reviewSteps", "fees",
]);
const ROW_FIELDS: Record<string, Set<string>> = {
  materials: new Set(["code", "name", "requirement", "condition", "form", "copies"]),
  reviewSteps: new Set(["name", "kind", "role", "timeLimitDays", "departmentCodes", "leadDepartmentCode"]),
  fees: new Set(["name", "amountYuan", "basis"]),
};

/** Whether the editor shows a field at this path (else its sentence goes above the buttons). */
export function isDraftField(path: (string | number)[], values: MatterValues): boolean {
  if (path.length === 1) return path[0] === "note";
  if (path[0] !== "matter" || !MATTER_FIELDS.has(String(path[1]))) return false;
  if (path.length === 2) return true;
  const list = String(path[1]);
  const [, , index, field] = path;
  const rows = (values as unknown as Record<string, unknown[]>)[list];
  return path.length === 4 && typeof index === "number" && index < (rows?.length ?? 0) && !!ROW_FIELDS[list]?.has(String(field));
}

/** A fee's amount is named in fen by the API and shown in yuan by the form. */
export function formFieldPath(apiField: string): (string | number)[] {
  const path = draftFieldPath(apiField);
  return path[path.length - 1] === "amountFen" ? [...path.slice(0, -1), "amountYuan"] : path;
}

/** The API's sentences split into those shown beside an editor field and the rest. */
export function placeDraftErrors(
  fields: Record<string, string>,
  values: MatterValues,
): { placed: { name: (string | number)[]; errors: string[] }[]; rest: string[] } {
  const placed: { name: (string | number)[]; errors: string[] }[] = [];
  const rest: string[] = [];
  for (const [field, sentence] of Object.entries(fields)) {
    const path = formFieldPath(field);
    if (isDraftField(path, values)) placed.push({ name: path, errors: [sentence] });
    else rest.push(field ? `${field}：${sentence}` : sentence);
  }
  return { placed, rest };
}

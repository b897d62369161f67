// Enum values read as the proto labels them (the `tongban.labels.v1.label` option), so the
// console and the CLI say the same words and nothing is spelled twice.
import { type DescEnum, getOption, hasOption } from "@bufbuild/protobuf";
import { label } from "../gen/tongban/labels/v1/labels_pb";

export function zh(schema: DescEnum, value: number): string {
  const described = schema.values.find((v) => v.number === value);
  if (!described) return String(value);
  return hasOption(described, label) ? getOption(described, label).zh : described.name;
}

/** Options for a select: every labelled value but UNSPECIFIED. */
export function options(schema: DescEnum): { value: number; label: string }[] {
  return schema.values.filter((v) => v.number !== 0).map((v) => ({ value: v.number, label: zh(schema, v.number) }));
}

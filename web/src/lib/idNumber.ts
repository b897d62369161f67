// The resident ID number check (GB 11643-1999), run on every keystroke of the intake form so the
// clerk sees a mistyped digit before submitting. The service checks again; this only saves a trip.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = "10X98765432";

export type IdCheck =
  | { status: "empty" }
  | { status: "typing"; message: string }
  | { status: "invalid"; message: string }
  | { status: "ok" };

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

function validBirthDate(digits: string): boolean {
  const year = Number(digits.slice(0, 4));
  const month = Number(digits.slice(4, 6));
  const day = Number(digits.slice(6, 8));
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** What is wrong so far with a resident ID number being typed (a lower-case x counts as X). */
export function checkIdNumber(raw: string): IdCheck {
  const value = raw.trim().toUpperCase();
  if (value === "") return { status: "empty" };
  if (!/^[0-9]{0,17}[0-9X]?$/.test(value) || (value.includes("X") && value.length < 18)) {
    return { status: "invalid", message: "只能是数字，最后一位可以是 X" };
  }
  if (value.length >= 14 && !validBirthDate(value.slice(6, 14))) {
    return { status: "invalid", message: `出生日期 ${value.slice(6, 14)} 不存在` };
  }
  if (value.length < 18) {
    return { status: "typing", message: `已输入 ${value.length} 位，共 18 位` };
  }
  const expected = checkCharacter(value.slice(0, 17));
  if (value[17] !== expected) {
    return { status: "invalid", message: `校验位不正确：按前 17 位应为 ${expected}，请核对证件` };
  }
  return { status: "ok" };
}

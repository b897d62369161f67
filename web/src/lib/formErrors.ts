// The API names a field by its proto path (`applicant.id_number`); the forms name theirs by the
// generated messages' camelCase paths, so a violation finds its field without a table.
export function formPath(apiField: string): (string | number)[] {
  return apiField.split(".").map((part) => {
    const indexed = /^(.+)\[(\d+)\]$/.exec(part);
    const name = (indexed ? indexed[1] : part).replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    return indexed ? `${name}[${indexed[2]}]` : name;
  });
}

/** Splits the API's field sentences into those a form shows beside a field and the rest. */
export function placeFieldErrors(
  fields: Record<string, string>,
  known: (path: (string | number)[]) => boolean,
): { placed: { name: (string | number)[]; errors: string[] }[]; rest: string[] } {
  const placed: { name: (string | number)[]; errors: string[] }[] = [];
  const rest: string[] = [];
  for (const [field, sentence] of Object.entries(fields)) {
    const path = formPath(field);
    if (known(path)) placed.push({ name: path, errors: [sentence] });
    else rest.push(field ? `${field}：${sentence}` : sentence);
  }
  return { placed, rest };
}

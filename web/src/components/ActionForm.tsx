// A small form for one action (withdraw, issue, approve, ...): its request id is fixed for the
// form's life, so pressing again after a lost answer repeats the same request, never a second one.
// A refusal's field sentences land beside the fields; the rest above the buttons.
import { Button, Form, type FormInstance, Space } from "antd";
import { type ReactNode, useMemo, useState } from "react";
import { requestId } from "../api/clients";
import { explain, type Explained } from "../api/errors";
import { placeFieldErrors } from "../lib/formErrors";
import { ErrorAlert } from "./ErrorAlert";

export function ActionForm<V extends object>(props: {
  fields: string[];
  submitText: string;
  danger?: boolean;
  initialValues?: Partial<V>;
  run: (values: V, requestId: string) => Promise<unknown>;
  onDone: () => void;
  children: (form: FormInstance<V>) => ReactNode;
}) {
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const [rest, setRest] = useState<string[]>([]);
  const attempt = useMemo(() => requestId(), []);
  const known = new Set(props.fields);
  const submit = async (values: V) => {
    setBusy(true);
    setError(null);
    try {
      await props.run(values, attempt);
      props.onDone();
    } catch (reason) {
      const explained = explain(reason);
      const placed = placeFieldErrors(explained.fields, (path) => known.has(path.join(".")));
      form.setFields(placed.placed as Parameters<typeof form.setFields>[0]);
      setError(explained);
      setRest(placed.rest);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form<V> form={form} layout="vertical" initialValues={props.initialValues} onFinish={(v) => void submit(v)}>
      {props.children(form)}
      <ErrorAlert error={error} rest={rest} />
      <Space>
        <Button type="primary" danger={props.danger} htmlType="submit" loading={busy}>
          {props.submitText}
        </Button>
      </Space>
    </Form>
  );
}

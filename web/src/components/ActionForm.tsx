// A small form for one action (withdraw, issue, approve, ...): pressing again after a lost answer
// repeats the same request id, so the action never happens twice.
// A refusal's field sentences land beside the fields; the rest above the buttons. Once done, the
// form empties and its next use is a new action; a page refreshing around it never clears it.
import { Alert, Button, Form, type FormInstance, Space } from "antd";
import { type ReactNode, useState } from "react";
import { explain, type Explained } from "../api/errors";
import { useAttempt } from "../lib/attempt";
import { placeFieldErrors } from "../lib/formErrors";
import { ErrorAlert } from "./ErrorAlert";

export function ActionForm<V extends object>(props: {
  /** Prefixes the fields' element ids, so two action forms on one page never share one. */
  name: string;
  fields: string[];
  submitText: string;
  /** Said once the action is done, where the form stays on the page. */
  doneText?: string;
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
  const [done, setDone] = useState(false);
  const [attempt, settle, next] = useAttempt();
  const known = new Set(props.fields);
  const submit = async (values: V) => {
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await props.run(values, attempt);
      setDone(true);
      next();
      form.resetFields();
      props.onDone();
    } catch (reason) {
      const explained = explain(reason);
      settle(explained);
      const placed = placeFieldErrors(explained.fields, (path) => known.has(path.join(".")));
      form.setFields(placed.placed as Parameters<typeof form.setFields>[0]);
      setError(explained);
      setRest(placed.rest);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form<V> form={form} name={props.name} layout="vertical" initialValues={props.initialValues} onFinish={(v) => void submit(v)}>
      {props.children(form)}
      <ErrorAlert error={error} rest={rest} />
      {done && props.doneText && <Alert type="success" showIcon title={props.doneText} style={{ marginBottom: 12 }} />}
      <Space>
        <Button type="primary" danger={props.danger} htmlType="submit" loading={busy}>
          {props.submitText}
        </Button>
      </Space>
    </Form>
  );
}

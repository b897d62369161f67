// A document as the service rendered it, laid out for A4 by print.css. The service escapes every
// value it puts in the HTML; only the body is taken (its own <style> would fight the print CSS),
// and nothing runs: the page's CSP allows no inline script.
import { useMemo } from "react";

export function DocumentView({ html, text }: { html?: string; text?: string }) {
  const body = useMemo(() => {
    if (!html) return null;
    return new DOMParser().parseFromString(html, "text/html").body.innerHTML;
  }, [html]);
  if (body !== null) return <div className="paper" dangerouslySetInnerHTML={{ __html: body }} />;
  return (
    <div className="paper">
      <pre className="paper-text">{text}</pre>
    </div>
  );
}

/** One answer: a submit button that posts its `decision` (`primary` for the answer the page leads with). */
export interface Decision {
  value: string;
  label: string;
  primary?: boolean;
}

/**
 * A decision as a plain form POST (it works without JavaScript; the custom server answers it
 * with a 303): the session's CSRF token, the hidden fields that name what is decided (the
 * user code, the authorization request), and one submit button per decision (confirm and consent pages).
 */
export function DecisionForm({ action, form, csrf, subject, decisions }: {
  action: string;
  /** Its `data-form` name: how tests and scripts that drive the page find the form. */
  form: string;
  csrf: string;
  subject: Record<string, string>;
  decisions: readonly Decision[];
}) {
  return (
    <form method="post" action={action} data-form={form} className="decide">
      <input type="hidden" name="csrf" value={csrf} />
      {Object.entries(subject).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {decisions.map((d) => (
        <button key={d.value} type="submit" name="decision" value={d.value} className={d.primary ? 'button primary' : 'button secondary'}>
          {d.label}
        </button>
      ))}
    </form>
  );
}

import { activate } from '../../portal/strings/activate';

/** What a grant lets an app do, one plain-words line per scope (confirm, consent and account pages). */
export function ScopeList({ scopes }: { scopes: readonly string[] }) {
  return (
    <ul className="scopes">
      {scopes.map((scope) => (
        <li key={scope}>{activate.scopes[scope] ?? activate.unknownScope(scope)}</li>
      ))}
    </ul>
  );
}

export function Placeholder({ title, what, issue }: { title: string; what: string; issue: string }) {
  return (
    <section>
      <h1>{title}</h1>
      <div className="state empty" data-state="placeholder">
        {issue
          ? <p>This page arrives with issue {issue}: {what}. The data is already being stored.</p>
          : <p>There is no page here. Use the navigation above.</p>}
      </div>
    </section>
  );
}

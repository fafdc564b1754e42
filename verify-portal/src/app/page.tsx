export default function Home() {
  return (
    <main>
      <h1>Pairgate</h1>
      <p>Sign in on your TV, kiosk or other screen with your phone.</p>
      <p>
        Have a code on a screen? Go to <a href="/activate">/activate</a> and enter it.
      </p>
    </main>
  );
}

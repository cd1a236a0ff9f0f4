export function App() {
  return <main><h1>Closer</h1></main>;
}

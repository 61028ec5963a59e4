// YAML files are embedded as text: esbuild's `text` loader in dist/, a jest transform in tests.
declare module '*.yml' {
  const text: string;
  export default text;
}

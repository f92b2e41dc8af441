// Stands in for the `open` package in dist/. @azure/identity imports `open`
// only to launch a browser for InteractiveBrowserCredential, which this action
// never uses; bundling the real package added a chunk and an xdg-open script
// that nothing runs. Mapped by "paths" in tsconfig.json, which ncc resolves with.
export default function open() {
  throw new Error('Opening a browser is not supported in this action.')
}
export const openApp = open
export const apps = {}

export const id = 537;
export const ids = [537];
export const modules = {

/***/ 55537:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   apps: () => (/* binding */ apps),
/* harmony export */   "default": () => (/* binding */ open),
/* harmony export */   openApp: () => (/* binding */ openApp)
/* harmony export */ });
// Stands in for the `open` package in dist/. @azure/identity imports `open`
// only to launch a browser for InteractiveBrowserCredential, which this action
// never uses; bundling the real package added a chunk and an xdg-open script
// that nothing runs. Mapped by "paths" in tsconfig.json, which ncc resolves with.
function open() {
  throw new Error('Opening a browser is not supported in this action.')
}
const openApp = open
const apps = {}


/***/ })

};

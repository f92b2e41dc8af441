// Preloaded into every test process (jest setupFiles, and `node --require` for the
// bundled action run as a child): any TCP connection to a host that is not loopback
// throws, so no test can ever reach a real tenant or the internet.
'use strict'
const net = require('node:net')

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]'])

function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true // net defaults to localhost
  return LOOPBACK.has(host) || /^127\./.test(host)
}

const originalConnect = net.Socket.prototype.connect
net.Socket.prototype.connect = function connect(...args) {
  let options = args[0]
  if (Array.isArray(options)) options = options[0]
  let host
  if (options && typeof options === 'object') {
    if (options.path) return originalConnect.apply(this, args) // unix socket / pipe
    host = options.host
  } else if (typeof args[1] === 'string') {
    host = args[1]
  }
  if (!isLoopback(host)) {
    throw new Error(`Network access blocked in tests: attempted connection to ${host}`)
  }
  return originalConnect.apply(this, args)
}

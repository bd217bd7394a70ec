// The React example runs in a browser: type-check it (and only declarations, no code) with the DOM library.
/// <reference lib="dom" />

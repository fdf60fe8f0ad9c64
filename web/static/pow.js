// Solves the applicant form's proof of work (see internal/pow) while the
// applicant writes, and sends the form once it is solved. Plain JavaScript
// SHA-256: crypto.subtle is missing on plain-HTTP origins such as an onion
// service. Without this script the form still works: the server then asks
// for a short wait instead.
(function () {
  "use strict";
  var tokenInput = document.querySelector("input[name=pow_token]");
  if (!tokenInput || !tokenInput.form) {
    return;
  }
  var form = tokenInput.form;
  var solutionInput = form.querySelector("input[name=pow_solution]");
  var checking = document.getElementById("pow-checking");
  var bits = parseInt(tokenInput.getAttribute("data-bits"), 10);
  var parts = parseInt(tokenInput.getAttribute("data-parts"), 10);
  var token = tokenInput.value;

  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var H = new Int32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
  ]);
  var w = new Int32Array(64);
  // msg is the prefix block, then the block with the counter.
  var msg = new Uint8Array(128);
  var mid = new Int32Array(8);
  var state = new Int32Array(8);

  // compress runs SHA-256's compression on the block at msg[o:o+64].
  function compress(st, o) {
    for (var t = 0; t < 16; t++) {
      var p = o + 4 * t;
      w[t] = (msg[p] << 24) | (msg[p + 1] << 16) | (msg[p + 2] << 8) | msg[p + 3];
    }
    for (t = 16; t < 64; t++) {
      var x = w[t - 15], y = w[t - 2];
      var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    var a = st[0], b = st[1], c = st[2], d = st[3];
    var e = st[4], f = st[5], g = st[6], h = st[7];
    for (t = 0; t < 64; t++) {
      var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
      var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0;
      d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    st[0] += a; st[1] += b; st[2] += c; st[3] += d;
    st[4] += e; st[5] += f; st[6] += g; st[7] += h;
  }

  // first32 is the first 32 bits of SHA-256 over the prefix block and the
  // n digits at msg[64:]; more are never needed, since a puzzle asks for at
  // most 32 zero bits.
  function first32(n) {
    msg[64 + n] = 0x80;
    for (var i = 65 + n; i < 124; i++) {
      msg[i] = 0;
    }
    var bitLen = (64 + n) * 8;
    msg[124] = bitLen >>> 24;
    msg[125] = bitLen >>> 16;
    msg[126] = bitLen >>> 8;
    msg[127] = bitLen;
    state.set(mid);
    compress(state, 64);
    return state[0] >>> 0;
  }

  var limit = bits >= 32 ? 1 : Math.pow(2, 32 - bits);
  var counters = [];
  var part = 0;
  var digits = [];
  var started = Date.now();
  var solved = false;
  var sendWhenSolved = false;

  // startPart hashes the block "token:part:" padded with dots, and starts
  // the counter at 0.
  function startPart() {
    var prefix = token + ":" + part + ":";
    for (var i = 0; i < 64; i++) {
      msg[i] = i < prefix.length ? prefix.charCodeAt(i) : 46;
    }
    mid.set(H);
    compress(mid, 0);
    digits = [48];
  }

  // next adds one to the decimal counter, in place.
  function next() {
    var i = digits.length - 1;
    while (i >= 0 && digits[i] === 57) {
      digits[i] = 48;
      i--;
    }
    if (i < 0) {
      digits.unshift(49);
    } else {
      digits[i]++;
    }
  }

  // step works for a few tens of milliseconds, then lets the page breathe.
  function step() {
    var until = Date.now() + 40;
    while (Date.now() < until) {
      for (var n = 0; n < 512; n++) {
        for (var i = 0; i < digits.length; i++) {
          msg[64 + i] = digits[i];
        }
        if (first32(digits.length) < limit) {
          counters.push(String.fromCharCode.apply(null, digits));
          part++;
          if (part === parts) {
            finish();
            return;
          }
          startPart();
        } else {
          next();
        }
      }
    }
    setTimeout(step, 0);
  }

  function finish() {
    solutionInput.value = counters.join(",");
    solved = true;
    form.setAttribute("data-pow-ms", String(Date.now() - started));
    if (sendWhenSolved) {
      form.submit();
    }
  }

  form.addEventListener("submit", function (ev) {
    if (solved) {
      return;
    }
    ev.preventDefault();
    sendWhenSolved = true;
    if (checking) {
      checking.hidden = false;
    }
  });

  startPart();
  setTimeout(step, 0);
})();

// surfacedata.js — a POST /surface answer as one flat array of values. The compact form
// ("format": "f32") sends z as base64 of little-endian float32 (about a third of the JSON's
// bytes); the plain form sends nested lists with null where the loss is not finite. Either way
// the views get values[i * nx + j] = f(x[j], y[i]) with Infinity where it overflowed.

export function decodeSurface(resp) {
  const nx = resp.x.length;
  const ny = resp.y ? resp.y.length : 1;
  const values = new Float64Array(nx * ny);
  if (typeof resp.z === "string") {
    const bytes = Uint8Array.from(atob(resp.z), (c) => c.charCodeAt(0));
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) {
      const v = view.getFloat32(4 * i, true);
      values[i] = Number.isFinite(v) ? v : Infinity;
    }
  } else {
    const rows = resp.y ? resp.z : [resp.z];
    for (let i = 0; i < ny; i++) {
      const row = rows[i] ?? [];
      for (let j = 0; j < nx; j++) {
        const v = row[j];
        values[i * nx + j] = v === null || v === undefined || !Number.isFinite(v) ? Infinity : v;
      }
    }
  }
  return { x: resp.x, y: resp.y ?? null, nx, ny, values };
}

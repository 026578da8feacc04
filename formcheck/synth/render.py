"""Offscreen renderer (moderngl on Mesa EGL): a coloured body on a mat in a room."""

from __future__ import annotations

import numpy as np

from formcheck.synth.camera import Camera

_VERT = """
#version 330
uniform mat4 mvp;
in vec3 in_pos;
in vec3 in_normal;
in vec3 in_color;
out vec3 v_normal;
out vec3 v_color;
out vec3 v_pos;
void main() {
    gl_Position = mvp * vec4(in_pos, 1.0);
    v_normal = in_normal;
    v_color = in_color;
    v_pos = in_pos;
}
"""

_FRAG = """
#version 330
uniform vec3 key_dir;
uniform vec3 fill_dir;
uniform vec3 eye;
uniform vec2 body_xz;
uniform vec2 body_half;
in vec3 v_normal;
in vec3 v_color;
in vec3 v_pos;
out vec4 f_color;
void main() {
    vec3 n = normalize(v_normal);
    if (!gl_FrontFacing) n = -n;
    float key = max(dot(n, -key_dir), 0.0);
    float fill = max(dot(n, -fill_dir), 0.0);
    float hemi = 0.5 + 0.5 * n.y;
    vec3 v = normalize(eye - v_pos);
    vec3 h = normalize(v - key_dir);
    float spec = pow(max(dot(n, h), 0.0), 24.0) * 0.12;
    // soft contact shadow under the body on the floor and mat
    float occ = 1.0;
    if (v_pos.y < 0.03) {
        vec2 d = (v_pos.xz - body_xz) / body_half;
        occ = 1.0 - 0.35 * exp(-2.5 * dot(d, d));
    }
    vec3 c = v_color * (0.30 * hemi + 0.70 * key + 0.25 * fill) * occ + spec;
    f_color = vec4(pow(clamp(c, 0.0, 1.0), vec3(1.0 / 2.2)), 1.0);
}
"""


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted unit vertex normals (V, 3)."""
    v0, v1, v2 = (vertices[faces[:, i]] for i in range(3))
    fn = np.cross(v1 - v0, v2 - v0)
    n = np.zeros_like(vertices)
    for i in range(3):
        np.add.at(n, faces[:, i], fn)
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


def box(lo: np.ndarray, hi: np.ndarray, rgb: tuple[float, float, float]) -> np.ndarray:
    """Triangles of an axis-aligned box as interleaved (pos, normal, colour) rows (36, 9)."""
    x0, y0, z0 = lo
    x1, y1, z1 = hi
    quads = [
        ((x0, y1, z0), (x0, y1, z1), (x1, y1, z1), (x1, y1, z0), (0, 1, 0)),
        ((x0, y0, z0), (x1, y0, z0), (x1, y0, z1), (x0, y0, z1), (0, -1, 0)),
        ((x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1), (0, 0, 1)),
        ((x0, y0, z0), (x0, y1, z0), (x1, y1, z0), (x1, y0, z0), (0, 0, -1)),
        ((x1, y0, z0), (x1, y1, z0), (x1, y1, z1), (x1, y0, z1), (1, 0, 0)),
        ((x0, y0, z0), (x0, y0, z1), (x0, y1, z1), (x0, y1, z0), (-1, 0, 0)),
    ]
    rows = []
    for a, b, c, d, n in quads:
        for p in (a, b, c, a, c, d):
            rows.append((*p, *n, *rgb))
    return np.asarray(rows, dtype="f4")


class Renderer:
    """Draws one body mesh plus a static room; ``render`` returns an RGB uint8 image."""

    def __init__(self, camera: Camera, faces: np.ndarray, vertex_rgb: np.ndarray, static_rows: np.ndarray, samples: int = 4) -> None:
        import moderngl

        self.camera = camera
        self.ctx = moderngl.create_context(standalone=True, backend="egl")
        self.ctx.enable(moderngl.DEPTH_TEST)
        w, h = camera.width_px, camera.height_px
        self.ms_fbo = self.ctx.framebuffer(
            color_attachments=[self.ctx.renderbuffer((w, h), 4, samples=samples)],
            depth_attachment=self.ctx.depth_renderbuffer((w, h), samples=samples),
        )
        self.fbo = self.ctx.framebuffer(color_attachments=[self.ctx.renderbuffer((w, h), 4)])
        self.prog = self.ctx.program(vertex_shader=_VERT, fragment_shader=_FRAG)
        self.prog["mvp"].write(camera.view_proj.T.astype("f4").tobytes())
        # key light from above, leaning away from the camera's side; fill from the camera
        key = np.array([0.35, -1.0, -np.sign(camera.eye_m[2]) * 0.6 if camera.eye_m[2] != 0 else 0.3])
        key = key / np.linalg.norm(key)
        fill = np.array(camera.target_m) - np.array(camera.eye_m)
        fill = fill / np.linalg.norm(fill)
        self.prog["key_dir"].value = tuple(key)
        self.prog["fill_dir"].value = tuple(fill)
        self.prog["eye"].value = tuple(float(x) for x in camera.eye_m)
        self.prog["body_xz"].value = (0.0, 0.0)
        self.prog["body_half"].value = (0.9, 0.3)
        self.faces = faces.astype("i4")
        self.n_vertices = len(vertex_rgb)
        self.vbo_pos = self.ctx.buffer(reserve=self.n_vertices * 12)
        self.vbo_nrm = self.ctx.buffer(reserve=self.n_vertices * 12)
        self.vbo_col = self.ctx.buffer(vertex_rgb.astype("f4").tobytes())
        ibo = self.ctx.buffer(self.faces.tobytes())
        self.body_vao = self.ctx.vertex_array(
            self.prog,
            [(self.vbo_pos, "3f", "in_pos"), (self.vbo_nrm, "3f", "in_normal"), (self.vbo_col, "3f", "in_color")],
            index_buffer=ibo,
        )
        sbo = self.ctx.buffer(static_rows.astype("f4").tobytes())
        self.static_vao = self.ctx.vertex_array(self.prog, [(sbo, "3f 3f 3f", "in_pos", "in_normal", "in_color")])

    def set_body_centre(self, x_m: float, z_m: float, half_len_m: float) -> None:
        """Centre and half-length of the soft contact shadow under the body."""
        self.prog["body_xz"].value = (x_m, z_m)
        self.prog["body_half"].value = (half_len_m, 0.28)

    def render(self, vertices_m: np.ndarray) -> np.ndarray:
        """Draw the body with ``vertices_m`` (V, 3) world metres; return (H, W, 3) uint8 RGB."""
        self.vbo_pos.write(vertices_m.astype("f4").tobytes())
        self.vbo_nrm.write(vertex_normals(vertices_m, self.faces).astype("f4").tobytes())
        self.ms_fbo.use()
        self.ctx.clear(0.8, 0.8, 0.8, 1.0)
        self.static_vao.render()
        self.body_vao.render()
        self.ctx.copy_framebuffer(self.fbo, self.ms_fbo)
        w, h = self.camera.width_px, self.camera.height_px
        img = np.frombuffer(self.fbo.read(components=3), dtype=np.uint8).reshape(h, w, 3)
        return np.ascontiguousarray(img[::-1])

    def release(self) -> None:
        """Free the GL context."""
        self.ctx.release()

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


# ----- corpus renderer: several bodies, lights, an emissive window, a cached static layer -----------

_FRAG_SCENE = """
#version 330
uniform vec3 key_dir;
uniform vec3 fill_dir;
uniform vec3 eye;
uniform vec2 shadow_xz[2];
uniform vec2 shadow_half[2];
uniform float shadow_k[2];
uniform float amb_k;
uniform float key_k;
uniform float fill_k;
uniform float spec_k;
uniform float emit;
in vec3 v_normal;
in vec3 v_color;
in vec3 v_pos;
out vec4 f_color;
void main() {
    if (emit > 0.5) {
        f_color = vec4(pow(clamp(v_color, 0.0, 1.0), vec3(1.0 / 2.2)), 1.0);
        return;
    }
    vec3 n = normalize(v_normal);
    if (!gl_FrontFacing) n = -n;
    float key = max(dot(n, -key_dir), 0.0);
    float fill = max(dot(n, -fill_dir), 0.0);
    float hemi = 0.5 + 0.5 * n.y;
    vec3 v = normalize(eye - v_pos);
    vec3 h = normalize(v - key_dir);
    float spec = pow(max(dot(n, h), 0.0), 24.0) * spec_k;
    float occ = 1.0;
    if (v_pos.y < 0.03) {
        for (int i = 0; i < 2; i++) {
            vec2 d = (v_pos.xz - shadow_xz[i]) / shadow_half[i];
            occ *= 1.0 - shadow_k[i] * exp(-2.5 * dot(d, d));
        }
    }
    vec3 c = v_color * (amb_k * hemi + key_k * key + fill_k * fill) * occ + spec;
    f_color = vec4(pow(clamp(c, 0.0, 1.0), vec3(1.0 / 2.2)), 1.0);
}
"""


_INCIDENCE: dict[int, object] = {}


def _in_context(method):  # type: ignore[no-untyped-def]
    """Run a SceneRenderer method with its own GL context current (several renderers may live in one
    process, e.g. the two cameras of a pair; GL calls go to whichever context is current)."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self.ctx:
            return method(self, *args, **kwargs)

    return wrapper


def vertex_normals_fast(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted unit vertex normals (V, 3): face normals summed onto their vertices with a cached
    sparse vertex-face incidence matrix (much faster than ``np.add.at``)."""
    from scipy import sparse

    key = id(faces)
    inc = _INCIDENCE.get(key)
    if inc is None or inc.shape != (len(vertices), len(faces)):  # type: ignore[attr-defined]
        rows = faces.ravel()
        cols = np.repeat(np.arange(len(faces)), 3)
        inc = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(vertices), len(faces)))
        _INCIDENCE.clear()
        _INCIDENCE[key] = inc
    v0, v1, v2 = (vertices[faces[:, i]] for i in range(3))
    n = inc @ np.cross(v1 - v0, v2 - v0)  # type: ignore[operator]
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


class SceneRenderer:
    """Draws bodies over a static room; the room is drawn once per camera and composited under the bodies.

    ``meshes``: one (faces, per-vertex RGB) per body. ``static_rows``: lit room geometry;
    ``emissive_rows``: self-lit geometry (a window's sky); ``occluder_rows``: room geometry that can
    hide a body (the mat, furniture), drawn depth-only in the body pass. Walls and floor never hide a
    body (they are behind it or under it), so they live only in the static layer.
    ``lights``: dict with key_dir, key_k, fill_k, amb_k, spec_k (see :mod:`formcheck.synth.scene`).

    Speed (llvmpipe): the room layer is drawn with 4x MSAA once per camera; the bodies are drawn
    without MSAA inside their bounding box and their edges softened by a 3x3 Gaussian (sigma
    0.6 px) of the premultiplied layer, which costs a fraction of MSAA on a CPU rasteriser.
    """

    def __init__(self, width_px: int, height_px: int, meshes: list[tuple[np.ndarray, np.ndarray]],
                 static_rows: np.ndarray, emissive_rows: np.ndarray | None, occluder_rows: np.ndarray | None,
                 lights: dict, samples: int = 4, room_msaa: bool = True) -> None:
        import moderngl

        self.room_msaa = room_msaa  # False: a camera that moves every frame (handheld) draws the room like the bodies
        self.size = (width_px, height_px)
        self.ctx = moderngl.create_context(standalone=True, backend="egl")
        self.ctx.enable(moderngl.DEPTH_TEST)
        w, h = width_px, height_px
        self.ms_fbo = self.ctx.framebuffer(
            color_attachments=[self.ctx.renderbuffer((w, h), 4, samples=samples)],
            depth_attachment=self.ctx.depth_renderbuffer((w, h), samples=samples),
        )
        self.fbo = self.ctx.framebuffer(color_attachments=[self.ctx.renderbuffer((w, h), 4)])
        self.body_fbo = self.ctx.framebuffer(
            color_attachments=[self.ctx.renderbuffer((w, h), 4)],
            depth_attachment=self.ctx.depth_renderbuffer((w, h)),
        )
        self.prog = self.ctx.program(vertex_shader=_VERT, fragment_shader=_FRAG_SCENE)
        self.lights = dict(lights)
        for name in ("amb_k", "key_k", "fill_k", "spec_k"):
            self.prog[name].value = float(self.lights[name])
        key = np.asarray(self.lights["key_dir"], float)
        self.prog["key_dir"].value = tuple(key / np.linalg.norm(key))
        self.prog["emit"].value = 0.0
        self.meshes = []
        for faces, rgb in meshes:
            faces = np.ascontiguousarray(faces, dtype="i4")
            n = len(rgb)
            pos = self.ctx.buffer(reserve=n * 12)
            nrm = self.ctx.buffer(reserve=n * 12)
            col = self.ctx.buffer(np.asarray(rgb, "f4").tobytes())
            vao = self.ctx.vertex_array(
                self.prog, [(pos, "3f", "in_pos"), (nrm, "3f", "in_normal"), (col, "3f", "in_color")],
                index_buffer=self.ctx.buffer(faces.tobytes()))
            self.meshes.append((faces, pos, nrm, vao))

        def rows_vao(rows: np.ndarray | None):
            if rows is None or len(rows) == 0:
                return None
            buf = self.ctx.buffer(np.asarray(rows, "f4").tobytes())
            return self.ctx.vertex_array(self.prog, [(buf, "3f 3f 3f", "in_pos", "in_normal", "in_color")])

        self.static_vao = rows_vao(static_rows)
        self.emissive_vao = rows_vao(emissive_rows)
        self.occluder_vao = rows_vao(occluder_rows)
        self.camera: Camera | None = None
        self._static: np.ndarray | None = None
        self.set_shadows([])

    @_in_context
    def set_shadows(self, shadows: list[tuple[float, float, float, float, float]]) -> None:
        """Soft contact shadows on the floor: up to two (x, z, half-length x, half-width z, strength)."""
        sh = list(shadows)[:2] + [(0.0, 0.0, 1.0, 1.0, 0.0)] * (2 - len(shadows[:2]))
        self.prog["shadow_xz"].value = [(s[0], s[1]) for s in sh]
        self.prog["shadow_half"].value = [(s[2], s[3]) for s in sh]
        self.prog["shadow_k"].value = [s[4] for s in sh]
        self._static = None

    @_in_context
    def set_camera(self, camera: Camera) -> None:
        """Use ``camera`` for the next frames (the room layer is redrawn when it changes)."""
        if camera == self.camera:
            return
        self.camera = camera
        self.prog["mvp"].write(camera.view_proj.T.astype("f4").tobytes())
        self.prog["eye"].value = tuple(float(x) for x in camera.eye_m)
        fill = np.array(camera.target_m) - np.array(camera.eye_m)
        self.prog["fill_dir"].value = tuple(fill / np.linalg.norm(fill))
        self._static = None

    def _draw_static(self) -> np.ndarray:
        import cv2

        fbo = self.ms_fbo if self.room_msaa else self.body_fbo
        fbo.use()
        fbo.clear(0.8, 0.8, 0.8, 1.0)
        if self.static_vao is not None:
            self.static_vao.render()
        if self.emissive_vao is not None:
            self.prog["emit"].value = 1.0
            self.emissive_vao.render()
            self.prog["emit"].value = 0.0
        w, h = self.size
        if self.room_msaa:
            self.ctx.copy_framebuffer(self.fbo, self.ms_fbo)
            fbo = self.fbo
        img = np.frombuffer(fbo.read(components=3), dtype=np.uint8).reshape(h, w, 3)
        img = np.ascontiguousarray(img[::-1])
        return img if self.room_msaa else cv2.GaussianBlur(img, (3, 3), 0.6)

    def _bbox(self, vertices: list[np.ndarray | None]) -> tuple[int, int, int, int] | None:
        """Pixel box (x0, y0, x1, y1), top-left origin, around every drawn body, with a margin."""
        assert self.camera is not None
        w, h = self.size
        boxes = []
        for v in vertices:
            if v is None:
                continue
            hpos = np.asarray(v[::7], float) @ self.camera.view_proj[:, :3].T + self.camera.view_proj[:, 3]
            front = hpos[:, 3] > 1e-3
            if not front.any():
                continue
            if not front.all():
                return (0, 0, w, h)
            ndc = hpos[:, :2] / hpos[:, 3:4]
            x = (ndc[:, 0] + 1) * 0.5 * w
            y = (1 - ndc[:, 1]) * 0.5 * h
            boxes.append((x.min(), y.min(), x.max(), y.max()))
        if not boxes:
            return None
        b = np.array(boxes)
        x0, y0 = int(max(0, np.floor(b[:, 0].min()) - 8)), int(max(0, np.floor(b[:, 1].min()) - 8))
        x1, y1 = int(min(w, np.ceil(b[:, 2].max()) + 8)), int(min(h, np.ceil(b[:, 3].max()) + 8))
        if x1 <= x0 or y1 <= y0:
            return None
        return (x0, y0, x1, y1)

    @_in_context
    def render(self, vertices: list[np.ndarray | None], normals: list[np.ndarray | None] | None = None) -> np.ndarray:
        """Draw each mesh at its vertices (world metres; None = not drawn) with the given vertex normals
        (None = computed here); return (H, W, 3) uint8 RGB."""
        import cv2

        if self._static is None:
            self._static = self._draw_static()
        out = self._static.copy()
        bb = self._bbox(vertices)
        if bb is None:
            return out
        x0, y0, x1, y1 = bb
        w, h = self.size
        vp = (x0, h - y1, x1 - x0, y1 - y0)  # GL viewport: bottom-left origin
        self.body_fbo.use()
        self.body_fbo.scissor = vp
        self.body_fbo.clear(0.0, 0.0, 0.0, 0.0, viewport=vp)
        if self.occluder_vao is not None:
            self.body_fbo.color_mask = (False, False, False, False)
            self.occluder_vao.render()
            self.body_fbo.color_mask = (True, True, True, True)
        normals = normals or [None] * len(vertices)
        for (faces, pos, nrm, vao), v, n in zip(self.meshes, vertices, normals):
            if v is None:
                continue
            pos.write(np.asarray(v, "f4").tobytes())
            nrm.write((vertex_normals_fast(v, faces) if n is None else n).astype("f4").tobytes())
            vao.render()
        self.body_fbo.scissor = None
        raw = self.body_fbo.read(viewport=vp, components=4)
        layer = np.frombuffer(raw, dtype=np.uint8).reshape(y1 - y0, x1 - x0, 4)[::-1].astype(np.float32)
        layer[..., :3] *= layer[..., 3:4] / 255.0  # premultiply (alpha is 0 or 255 without MSAA)
        layer = cv2.GaussianBlur(layer, (3, 3), 0.6)
        a = layer[..., 3:4] / 255.0
        region = out[y0:y1, x0:x1].astype(np.float32)
        out[y0:y1, x0:x1] = np.clip(layer[..., :3] + (1.0 - a) * region + 0.5, 0, 255).astype(np.uint8)
        return out

    def release(self) -> None:
        """Free the GL context."""
        self.ctx.release()

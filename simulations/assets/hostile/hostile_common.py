"""Shared by the hostile .blend generators (test fixtures, generated at test time, never committed).

Every hostile file carries the same payload: write marker files at absolute paths and open a
TCP connection to 127.0.0.1:<port>. A test that renders the file proves the payload never ran by
finding no marker (a marker inside the job folder shows whether any Python ran in the sandbox at
all; markers on the host show whether anything escaped it) and no connection.

Usage of each generator:

    blender -b -Y --factory-startup --python-exit-code 1 --python <generator>.py -- OUT.blend PORT MARKER...
"""

import os
import sys

import bpy


def parse_args() -> tuple:
    argv = sys.argv[sys.argv.index('--') + 1:] if '--' in sys.argv else []
    if len(argv) < 3:
        raise SystemExit('usage: blender -b -Y --factory-startup --python <generator>.py -- OUT.blend PORT MARKER...')
    out, port, markers = argv[0], int(argv[1]), tuple(argv[2:])
    if not all(os.path.isabs(marker) for marker in markers):
        raise SystemExit('every MARKER must be an absolute path')
    return os.path.abspath(out), port, markers


def payload_source(tag: str, markers: tuple, port: int) -> str:
    """Python that writes every marker and connects home; each step runs even if another fails."""
    return '\n'.join([
        'import socket',
        f'for path in {markers!r}:',
        '    try:',
        f'        open(path, "w").write({tag!r})',
        '    except Exception as err:',
        f'        print("rynus-hostile {tag}: marker not written:", err)',
        'try:',
        f'    socket.create_connection(("127.0.0.1", {port}), 2).sendall({tag.encode()!r})',
        'except Exception as err:',
        f'    print("rynus-hostile {tag}: no connection:", err)',
        ''
    ])


def tiny_cycles_scene() -> bpy.types.Scene:
    """The factory scene (cube, light, camera) made cheap to render: Cycles, 32x18, 1 sample."""
    scene = bpy.context.scene
    scene.render.engine = 'CYCLES'
    scene.cycles.device = 'CPU'
    scene.cycles.samples = 1
    scene.cycles.use_denoising = False
    scene.render.resolution_x = 32
    scene.render.resolution_y = 18
    scene.render.resolution_percentage = 100
    scene.frame_start = 1
    scene.frame_end = 2
    return scene


def save(path: str) -> None:
    bpy.context.preferences.filepaths.save_version = 0
    bpy.ops.wm.save_as_mainfile(filepath=path, compress=True)
    print(f'rynus: hostile file saved to {path}')

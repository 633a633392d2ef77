"""Hostile fixture 2: a scripted driver whose expression is arbitrary Python (not a "simple
expression" Blender can evaluate without Python). See hostile_common.py for usage."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bpy  # noqa: E402
from hostile_common import parse_args, save, tiny_cycles_scene  # noqa: E402

MAX_EXPRESSION = 255  # DNA ChannelDriver.expression is char[256]

out, port, markers = parse_args()
tiny_cycles_scene()
cube = bpy.data.objects['Cube']
driver = cube.driver_add('location', 0).driver
driver.type = 'SCRIPTED'
code = (
    f"for p in {markers!r}:\n try:open(p,'w').write('driver')\n except:0\n"
    f"import socket as s\ns.create_connection(('127.0.0.1',{port}),2).send(b'driver')"
)
expression = f'exec({code!r}) or 0'
if len(expression) > MAX_EXPRESSION:
    raise SystemExit(f'driver expression is {len(expression)} characters; use shorter MARKER paths')
driver.expression = expression
save(out)

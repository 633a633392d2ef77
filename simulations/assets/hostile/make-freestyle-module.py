"""Hostile fixture 3: Freestyle switched on in Python scripting mode with a style module that is
a text block in the file. Freestyle runs style modules while rendering, with or without
auto-run. See hostile_common.py for usage."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bpy  # noqa: E402
from hostile_common import parse_args, payload_source, save, tiny_cycles_scene  # noqa: E402

out, port, markers = parse_args()
scene = tiny_cycles_scene()
scene.render.use_freestyle = True
layer = scene.view_layers[0]
layer.use_freestyle = True
settings = layer.freestyle_settings
settings.mode = 'SCRIPT'
text = bpy.data.texts.new('rynus_style_module.py')
text.write(payload_source('freestyle', markers, port))
module = settings.modules.new()
module.script = text
module.use = True
save(out)

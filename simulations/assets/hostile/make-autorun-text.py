"""Hostile fixture 1: a text block registered as a module, which Blender runs when the file is
opened with auto-run enabled. See hostile_common.py for usage."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bpy  # noqa: E402
from hostile_common import parse_args, payload_source, save, tiny_cycles_scene  # noqa: E402

out, port, markers = parse_args()
tiny_cycles_scene()
text = bpy.data.texts.new('rynus_autorun.py')
text.write(payload_source('autorun', markers, port))
text.use_module = True  # "Register": executed on file load when auto-run is allowed
save(out)

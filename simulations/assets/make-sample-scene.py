"""Builds the small sample scene every Rynus node can render at once.

Run with Blender 3.4 (Debian package `blender`):

    blender -b --factory-startup --python-exit-code 1 \
        --python simulations/assets/make-sample-scene.py -- simulations/assets/sample-scene.blend

The scene: a ground plane, a cube, a sphere and a monkey head, a sun and an area light, a
camera, Cycles on the CPU with few samples and no denoiser, 320x180, 24 frames in which the
cube turns and the sphere bounces. A frame renders in about a second on one CPU core.
"""

import math
import os
import sys

import bpy


def output_path() -> str:
    argv = sys.argv
    if '--' not in argv or argv.index('--') + 1 >= len(argv):
        raise SystemExit('usage: blender -b --factory-startup --python make-sample-scene.py -- out.blend')
    return os.path.abspath(argv[argv.index('--') + 1])


def clear_scene() -> None:
    for obj in list(bpy.data.objects):
        bpy.data.objects.remove(obj, do_unlink=True)


def material(name: str, rgba: tuple) -> bpy.types.Material:
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    bsdf = mat.node_tree.nodes['Principled BSDF']
    bsdf.inputs['Base Color'].default_value = rgba
    bsdf.inputs['Roughness'].default_value = 0.4
    return mat


def add_objects(scene: bpy.types.Scene) -> None:
    bpy.ops.mesh.primitive_plane_add(size=12, location=(0, 0, 0))
    bpy.context.object.name = 'Ground'
    bpy.context.object.data.materials.append(material('Ground', (0.6, 0.6, 0.62, 1)))

    bpy.ops.mesh.primitive_cube_add(size=1.2, location=(-1.6, 0, 0.6))
    cube = bpy.context.object
    cube.name = 'Cube'
    cube.data.materials.append(material('Red', (0.8, 0.1, 0.08, 1)))
    cube.rotation_euler = (0, 0, 0)
    cube.keyframe_insert('rotation_euler', frame=1)
    cube.rotation_euler = (0, 0, math.radians(90))
    cube.keyframe_insert('rotation_euler', frame=24)

    bpy.ops.mesh.primitive_uv_sphere_add(radius=0.6, segments=24, ring_count=12, location=(0, 0.4, 0.6))
    sphere = bpy.context.object
    sphere.name = 'Sphere'
    bpy.ops.object.shade_smooth()
    sphere.data.materials.append(material('Blue', (0.1, 0.25, 0.8, 1)))
    for frame, height in ((1, 0.6), (12, 1.6), (24, 0.6)):
        sphere.location.z = height
        sphere.keyframe_insert('location', index=2, frame=frame)

    bpy.ops.mesh.primitive_monkey_add(size=1.1, location=(1.7, 0, 0.7), rotation=(0, 0, math.radians(-20)))
    monkey = bpy.context.object
    monkey.name = 'Monkey'
    monkey.data.materials.append(material('Gold', (0.9, 0.65, 0.15, 1)))

    scene.frame_start = 1
    scene.frame_end = 24


def add_lights_and_camera(scene: bpy.types.Scene) -> None:
    bpy.ops.object.light_add(type='SUN', location=(3, -3, 6), rotation=(math.radians(40), 0, math.radians(30)))
    bpy.context.object.data.energy = 3.0
    bpy.ops.object.light_add(type='AREA', location=(-3, -2, 3))
    area = bpy.context.object
    area.data.energy = 300
    area.data.size = 2
    area.rotation_euler = (math.radians(50), 0, math.radians(-55))

    bpy.ops.object.camera_add(location=(0, -8.5, 3.4), rotation=(math.radians(76), 0, 0))
    scene.camera = bpy.context.object


def configure_render(scene: bpy.types.Scene) -> None:
    scene.render.engine = 'CYCLES'
    scene.cycles.device = 'CPU'
    scene.cycles.samples = 16
    scene.cycles.use_adaptive_sampling = False
    scene.cycles.use_denoising = False
    scene.cycles.max_bounces = 4
    scene.render.resolution_x = 320
    scene.render.resolution_y = 180
    scene.render.resolution_percentage = 100
    scene.render.use_freestyle = False
    scene.render.image_settings.file_format = 'PNG'
    scene.render.filepath = '//out/frame_####'
    scene.world.color = (0.05, 0.06, 0.08)


def main() -> None:
    path = output_path()
    clear_scene()
    scene = bpy.context.scene
    add_objects(scene)
    add_lights_and_camera(scene)
    configure_render(scene)
    bpy.context.preferences.filepaths.save_version = 0  # no .blend1 backup next to the asset
    bpy.ops.wm.save_as_mainfile(filepath=path, compress=True)
    print(f'rynus: sample scene saved to {path}')


main()

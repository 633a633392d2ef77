/** Where the setup script appears inside the sandbox (read-only, outside the job folder). */
export const SETUP_SCRIPT_PATH = '/rynus/render-setup.py'

/** What the executor passes to the setup script, as JSON after Blender's `--`. */
export interface RenderSetupSettings {
  engine: string
  device: string
  samples: number
  resolution: { x: number; y: number }
  format: string
  /** Blender output pattern inside the sandbox, e.g. /job/out/frame_####. */
  outputPattern: string
}

/**
 * Our own trusted Python, run by Blender with `--python` after the job's .blend is loaded and
 * before it renders. It comes from this program, never from the job, and it only sets render
 * settings; Blender keeps running with auto-exec disabled (-Y), so the .blend's registered text
 * blocks and Python drivers stay blocked. It switches Freestyle off in every scene and view layer,
 * because Freestyle runs Python style modules from the .blend even when auto-exec is off.
 */
export const RENDER_SETUP_SCRIPT = `
import json
import sys

import bpy


def fail(message):
    print('rynus-setup: error: ' + message, flush=True)
    sys.exit(3)


def settings():
    argv = sys.argv
    if '--' not in argv:
        fail('settings are missing')
    return json.loads(argv[argv.index('--') + 1])


def freestyle_off():
    for scene in bpy.data.scenes:
        scene.render.use_freestyle = False
        for layer in scene.view_layers:
            layer.use_freestyle = False


def use_gpu(scene, device):
    prefs = bpy.context.preferences.addons['cycles'].preferences
    try:
        prefs.compute_device_type = device
    except TypeError:
        fail('this Blender build has no ' + device + ' support')
    prefs.get_devices()
    found = [d for d in prefs.devices if d.type == device]
    if not found:
        fail('Blender sees no ' + device + ' device')
    for d in prefs.devices:
        d.use = d.type == device
    scene.cycles.device = 'GPU'


def main():
    s = settings()
    if not bpy.data.filepath:
        fail('no .blend file was loaded')
    freestyle_off()
    scene = bpy.context.scene
    render = scene.render
    render.engine = s['engine']
    render.resolution_x = s['resolution']['x']
    render.resolution_y = s['resolution']['y']
    render.resolution_percentage = 100
    render.use_border = False
    render.filepath = s['outputPattern']
    render.use_file_extension = True
    render.use_overwrite = True
    render.use_placeholder = False
    render.image_settings.file_format = s['format']
    if s['engine'] == 'CYCLES':
        scene.cycles.samples = s['samples']
        if s['device'] == 'CPU':
            scene.cycles.device = 'CPU'
        else:
            use_gpu(scene, s['device'])
    else:
        scene.eevee.taa_render_samples = s['samples']
    print('rynus-setup: ready', flush=True)


main()
`

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { loadOrCreatePeerKey } from '../../node/data-dir.js'
import type { RynusNode } from '../../node/rynus-node.js'
import { dialAddress, removeTempDirs, startTestNode, waitFor } from '../../simulations/e2e/harness.js'
import { silentLogger } from '../common/logger.js'
import { sendRequest } from '../market/request-stream.js'
import { SAMPLE_JOB_ID } from '../market/test-fixtures.js'
import {
  type Cancel,
  decodeAck,
  decodeResult,
  encodeJobMessage,
  encodeResult,
  type Heartbeat,
  type Progress,
  type TaskResult
} from './codec.js'
import { JOB_PROTOCOL, MAX_JOB_MESSAGE_BYTES } from './constants.js'
import { JobChannel } from './job.js'
import { sampleResult } from './test-fixtures.js'

describe('job channel between two real nodes', () => {
  let requester: RynusNode
  let worker: RynusNode
  let atRequester: JobChannel
  let atWorker: JobChannel
  const seen: Array<{ kind: string; value: Progress | Heartbeat | TaskResult | Cancel; from: string }> = []
  const evidence: Uint8Array[] = []

  before(async () => {
    requester = await startTestNode({ bare: true })
    worker = await startTestNode({ bare: true, bootstrap: [dialAddress(requester)] })
    assert.ok(await waitFor(() => worker.libp2p.getConnections(requester.peerId).length > 0))
    atRequester = new JobChannel(
      {},
      {
        libp2p: requester.libp2p,
        privateKey: await loadOrCreatePeerKey(requester.dataDir),
        logger: silentLogger
      }
    )
    atWorker = new JobChannel(
      {},
      { libp2p: worker.libp2p, privateKey: await loadOrCreatePeerKey(worker.dataDir), logger: silentLogger }
    )
    await atRequester.start()
    await atWorker.start()
    atRequester.onProgress((value, from) => {
      seen.push({ kind: 'progress', value, from })
    })
    atRequester.onHeartbeat((value, from) => {
      seen.push({ kind: 'heartbeat', value, from })
    })
    atRequester.onResult((value, from, signed) => {
      seen.push({ kind: 'result', value, from })
      evidence.push(signed)
      return value.outputs.length === 3 ? undefined : { accepted: false, reason: 'frames missing' }
    })
    atWorker.onCancel((value, from) => {
      seen.push({ kind: 'cancel', value, from })
      return { accepted: true, reason: 'stopped' }
    })
  })

  after(async () => {
    await atRequester.stop()
    await atWorker.stop()
    await Promise.all([worker.stop(), requester.stop()])
    await removeTempDirs()
  })

  it('progress, heartbeat, result and cancel each arrive and are acked', async () => {
    const w = worker.peerId.toString()
    const progress: Progress = {
      jobId: SAMPLE_JOB_ID,
      taskId: 't1',
      frame: 3,
      sample: 16,
      samples: 32,
      framesDone: 2,
      framesTotal: 3
    }
    const heartbeat: Heartbeat = { jobId: SAMPLE_JOB_ID, taskId: 't1' }
    const result = await sampleResult([1, 2, 3], { taskId: 't1' })
    const cancel: Cancel = { jobId: SAMPLE_JOB_ID, taskId: 't2', reason: 'reassigned' }

    assert.deepEqual(await atWorker.sendProgress(requester.peerId, progress), { accepted: true, reason: '' })
    assert.deepEqual(await atWorker.sendHeartbeat(requester.peerId, heartbeat), {
      accepted: true,
      reason: ''
    })
    assert.deepEqual(await atWorker.sendResult(requester.peerId, result), { accepted: true, reason: '' })
    assert.deepEqual(await atRequester.sendCancel(worker.peerId, cancel), {
      accepted: true,
      reason: 'stopped'
    })

    assert.deepEqual(seen, [
      { kind: 'progress', value: progress, from: w },
      { kind: 'heartbeat', value: heartbeat, from: w },
      { kind: 'result', value: result, from: w },
      { kind: 'cancel', value: cancel, from: requester.peerId.toString() }
    ])
    // the kept evidence verifies on its own and names the worker
    const again = await decodeResult(evidence[0])
    assert.ok(again.signer.equals(worker.peerId))
    assert.deepEqual(again.value, result)
  })

  it("a hook's refusal comes back to the sender", async () => {
    const partial = await sampleResult([1, 2])
    assert.deepEqual(await atWorker.sendResult(requester.peerId, partial), {
      accepted: false,
      reason: 'frames missing'
    })
  })

  it('a message kind nobody handles is declined, not dropped', async () => {
    const ack = await atRequester.sendProgress(worker.peerId, {
      jobId: SAMPLE_JOB_ID,
      taskId: 't1',
      frame: 1,
      sample: 1,
      samples: 1,
      framesDone: 0,
      framesTotal: 1
    })
    assert.equal(ack.accepted, false)
    assert.match(ack.reason, /does not handle progress/)
  })

  it('a result signed by another key than the connection peer is refused before the hook', async () => {
    const stranger = await generateKeyPair('Ed25519')
    const bytes = await encodeResult(stranger, await sampleResult())
    const count = seen.length
    const ack = decodeAck(
      await sendRequest(
        worker.libp2p,
        requester.peerId,
        JOB_PROTOCOL,
        encodeJobMessage({ kind: 'result', bytes }),
        {
          maxReplyBytes: MAX_JOB_MESSAGE_BYTES,
          timeoutMs: 5_000
        }
      )
    )
    assert.equal(ack.accepted, false)
    assert.match(ack.reason, /^ERR_SIGNER_MISMATCH/)
    assert.equal(seen.length, count)
  })
})

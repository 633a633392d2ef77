import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { hexlify, Signature } from 'ethers'
import { bindingMessage, signWorkerBinding, verifyWorkerBinding } from '../binding.js'
import { deployRynus } from '../deploy.js'
import { deployWorkerRegistry } from '../types/WorkerRegistry.js'
import { advance, type Chain, eventsOf, expectRevert, mined, ONE, startChain } from './fixture.js'
import { buildWorld, PRICE, peerIdOf, STAKE, TIER_TRUSTED, type World } from './world.js'

describe('WorkerRegistry and RynusToken on anvil', () => {
  let chain: Chain
  let w: World
  before(async () => {
    chain = await startChain()
    w = await buildWorld(chain)
  })
  after(() => chain.stop())

  it('binds a peer id to the sending address, with the peer key signature in the event', async () => {
    const { registry, addresses } = w.d
    const fresh = chain.wallets[11]!
    const key = await generateKeyPair('Ed25519')
    const domain = { chainId: addresses.chainId, registry: addresses.registry }
    assert.equal(hexlify(bindingMessage(domain, fresh.address)), await registry.bindingMessage(fresh.address))
    const binding = await signWorkerBinding(key, domain, fresh.address)
    const receipt = await mined(registry.connect(fresh).register(binding.peerId, binding.signature))

    const [event] = eventsOf(receipt, registry)
    assert.equal(event?.name, 'WorkerBound')
    const [worker, peerId, signature] = event!.args as [string, string, string]
    assert.equal(worker, fresh.address)
    assert.equal(await registry.workerOfPeer(binding.peerId), fresh.address)
    const [record, stored] = await registry.getWorker(fresh.address)
    assert.equal(record.registered, true)
    assert.equal(stored, hexlify(binding.peerId))
    // nodes verify the Ed25519 half from the event; a binding for another address does not verify
    const sig = Buffer.from(signature.slice(2), 'hex')
    assert.equal(
      await verifyWorkerBinding(Buffer.from(peerId.slice(2), 'hex'), sig, domain, fresh.address),
      true
    )
    assert.equal(await verifyWorkerBinding(binding.peerId, sig, domain, w.stranger.address), false)
    assert.equal(
      await verifyWorkerBinding(binding.peerId, sig, { ...domain, chainId: 1 }, fresh.address),
      false
    )
  })

  it('re-binding after a key rotation frees the old peer id; a taken or malformed peer id is refused', async () => {
    const { registry } = w.d
    const old = peerIdOf(w.worker.address)
    const rotated = peerIdOf(`${w.worker.address} rotated`)
    await mined(registry.connect(w.worker).register(rotated, '0x'))
    assert.equal(await registry.workerOfPeer(old), '0x0000000000000000000000000000000000000000')
    assert.equal(await registry.workerOfPeer(rotated), w.worker.address)
    await expectRevert(registry.connect(w.worker2).register(rotated, '0x'), 'PeerIdTaken', [w.worker.address])
    await expectRevert(registry.connect(w.stranger).register('0x', '0x'), 'BadPeerId')
    await expectRevert(registry.connect(w.stranger).register(`0x${'11'.repeat(129)}`, '0x'), 'BadPeerId')
  })

  it('stakes only for registered workers and refuses zero', async () => {
    const { registry } = w.d
    await expectRevert(registry.connect(w.stranger).stake(ONE), 'NotRegistered', [w.stranger.address])
    await expectRevert(registry.connect(w.worker).stake(0), 'ZeroAmount')
    const [, , stake] = await registry.workerInfo(w.worker.address)
    assert.equal(stake, STAKE)
  })

  it('unbonds free stake after the delay and pays it back', async () => {
    const { registry, token } = w.d
    const who = w.worker2
    await expectRevert(registry.connect(who).requestUnbond(0), 'ZeroAmount')
    await expectRevert(registry.connect(who).requestUnbond(STAKE + 1n), 'StakeLocked', [STAKE, STAKE + 1n])
    await expectRevert(registry.connect(who).withdrawUnbonded(), 'NothingToWithdraw')
    const requested = await mined(registry.connect(who).requestUnbond(ONE))
    const [record] = await registry.getWorker(who.address)
    assert.deepEqual(eventsOf(requested, registry), [
      { name: 'UnbondRequested', args: [who.address, ONE, record.unbondingReadyAt] }
    ])
    assert.equal(record.stake, STAKE - ONE)
    assert.equal(record.unbonding, ONE)
    await expectRevert(registry.connect(who).withdrawUnbonded(), 'UnbondingNotReady', [
      record.unbondingReadyAt
    ])
    await advance(chain, 1_000)
    const before = await token.balanceOf(who.address)
    const paid = await mined(registry.connect(who).withdrawUnbonded())
    assert.deepEqual(eventsOf(paid, registry), [{ name: 'Unbonded', args: [who.address, ONE] }])
    assert.equal(await token.balanceOf(who.address), before + ONE)
    await mined(token.connect(who).approve(w.d.addresses.registry, ONE))
    const staked = await mined(registry.connect(who).stake(ONE))
    assert.deepEqual(eventsOf(staked, registry), [{ name: 'Staked', args: [who.address, ONE, STAKE] }])
    assert.equal((await registry.getWorker(who.address))[0].unbonding, 0n)
  })

  it('stake locked as collateral by the market cannot be unbonded', async () => {
    const { registry, market } = w.d
    const taskId = await w.taskAt('accepted', w.worker)
    const locked = await market.lockedCollateral(w.worker.address)
    assert.ok(locked > 0n)
    const [, , stake] = await registry.workerInfo(w.worker.address)
    await expectRevert(registry.connect(w.worker).requestUnbond(stake), 'StakeLocked', [
      stake - locked,
      stake
    ])
    await mined(registry.connect(w.worker).requestUnbond(stake - locked))
    await mined(market.connect(w.worker).commitResult(taskId, `0x${'ab'.repeat(32)}`))
    await mined(market.connect(w.requester).acceptResult(taskId))
    assert.equal(await market.lockedCollateral(w.worker.address), 0n)
    await mined(registry.connect(w.worker).requestUnbond(locked))
  })

  it('governance alone sets tiers and connects the market once; only the market slashes', async () => {
    const { registry } = w.d
    await expectRevert(
      registry.connect(w.stranger).setTier(w.worker.address, TIER_TRUSTED),
      'OwnableUnauthorizedAccount',
      [w.stranger.address]
    )
    await expectRevert(registry.setTier(w.stranger.address, TIER_TRUSTED), 'NotRegistered', [
      w.stranger.address
    ])
    const r = await mined(registry.setTier(w.worker2.address, TIER_TRUSTED))
    assert.deepEqual(eventsOf(r, registry)[0], { name: 'TierChanged', args: [w.worker2.address, 1n] })
    assert.equal((await registry.workerInfo(w.worker2.address))[1], 1n)
    await mined(registry.setTier(w.worker2.address, 0))
    await expectRevert(registry.setMarket(w.stranger.address), 'MarketAlreadySet')
    await expectRevert(registry.connect(w.worker).slash(w.worker.address, 1n), 'NotMarket', [
      w.worker.address
    ])
    await expectRevert(registry.slash(w.worker.address, 1n), 'NotMarket', [w.gov.address])

    const bare = await deployWorkerRegistry(w.gov, w.d.addresses.token, 10, w.gov.address)
    await expectRevert(bare.connect(w.stranger).setMarket(w.stranger.address), 'OwnableUnauthorizedAccount', [
      w.stranger.address
    ])
    await expectRevert(bare.setMarket('0x0000000000000000000000000000000000000000'), 'ZeroAddress')
    await expectRevert(
      deployWorkerRegistry(w.gov, '0x0000000000000000000000000000000000000000', 10, w.gov.address),
      'ZeroAddress'
    )
  })

  it('a slash moves locked stake to the market and says so', async () => {
    const { registry, market } = w.d
    const taskId = await w.newTask(await w.newJob(), w.worker2, PRICE, 5)
    await mined(market.connect(w.worker2).acceptTask(taskId))
    await advance(chain, 5)
    const [, , stake] = await registry.workerInfo(w.worker2.address)
    const receipt = await mined(market.connect(w.stranger).expireTask(taskId))
    const collateral = await market.collateralFor(PRICE)
    assert.deepEqual(eventsOf(receipt, registry), [
      { name: 'Slashed', args: [w.worker2.address, collateral, stake - collateral] }
    ])
  })

  it('deploying for another governance hands both contracts over in two steps', async () => {
    const governance = chain.wallets[10]!
    const d = await deployRynus(w.gov, { governance: governance.address, unbondingDelay: 10 })
    assert.equal(await d.market.owner(), governance.address)
    assert.equal(await d.registry.owner(), w.gov.address)
    assert.equal(await d.registry.pendingOwner(), governance.address)
    assert.equal(await d.registry.market(), d.addresses.market)
    await mined(d.registry.connect(governance).acceptOwnership())
    assert.equal(await d.registry.owner(), governance.address)
    await expectRevert(d.registry.setTier(w.worker.address, TIER_TRUSTED), 'OwnableUnauthorizedAccount', [
      w.gov.address
    ])
  })

  it('the token mints only for its owner and honours EIP-2612 permits', async () => {
    const { token, addresses } = w.d
    await expectRevert(token.connect(w.stranger).mint(w.stranger.address, 1n), 'OwnableUnauthorizedAccount', [
      w.stranger.address
    ])
    const owner = w.requester
    const deadline = 2n ** 40n
    const nonce = await token.nonces(owner.address)
    const sig = Signature.from(
      await owner.signTypedData(
        { name: 'Rynus', version: '1', chainId: addresses.chainId, verifyingContract: addresses.token },
        {
          Permit: [
            { name: 'owner', type: 'address' },
            { name: 'spender', type: 'address' },
            { name: 'value', type: 'uint256' },
            { name: 'nonce', type: 'uint256' },
            { name: 'deadline', type: 'uint256' }
          ]
        },
        { owner: owner.address, spender: w.stranger.address, value: 5n, nonce, deadline }
      )
    )
    await mined(
      token.connect(w.stranger).permit(owner.address, w.stranger.address, 5n, deadline, sig.v, sig.r, sig.s)
    )
    assert.equal(await token.allowance(owner.address, w.stranger.address), 5n)
    await expectRevert(
      token.connect(w.stranger).permit(owner.address, w.stranger.address, 5n, deadline, sig.v, sig.r, sig.s),
      'ERC2612InvalidSigner'
    )
  })
})

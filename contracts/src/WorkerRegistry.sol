// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IWorkerRegistry, ICollateralLedger} from "./IWorkerRegistry.sol";

/// @title WorkerRegistry
/// @notice Binds a worker's libp2p peer id to its address, holds its stake, records its tier,
/// lets it unbond after a delay, and lets the job market (and only the market) slash it.
///
/// Binding: both keys prove it. The address proves it by sending the transaction (no relayed
/// registration, no tx.origin). The peer id's Ed25519 key signs `bindingMessage(worker)`, which
/// names the chain id, this registry and the worker address. The EVM has no Ed25519 precompile,
/// so that signature is stored in the `WorkerBound` event and verified by nodes off chain
/// (`contracts/binding.ts`); a node ignores a worker whose binding signature does not verify.
///
/// Collateral: a global-tier worker's stake backs the tasks it accepts. The market records how
/// much of the stake is locked; unbonding may only take stake that is not locked.
contract WorkerRegistry is IWorkerRegistry, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// Longest peer id accepted (an Ed25519 peer id is 38 bytes, an RSA one 34).
    uint256 public constant MAX_PEER_ID_LENGTH = 128;

    struct Worker {
        uint96 stake; // active stake, part of which the market may lock as collateral
        uint96 unbonding; // stake on its way out, withdrawable at `unbondingReadyAt`
        uint40 unbondingReadyAt;
        Tier tier;
        bool registered;
    }

    IERC20 public immutable token;
    uint32 public immutable unbondingDelay;
    /// The job market; set once by governance after both contracts are deployed.
    address public market;

    mapping(address worker => Worker) private _workers;
    mapping(address worker => bytes) private _peerIds;
    mapping(bytes32 peerIdHash => address worker) private _workerOfPeer;

    event MarketSet(address indexed market);
    event WorkerBound(address indexed worker, bytes peerId, bytes peerSignature);
    event TierChanged(address indexed worker, Tier tier);
    event Staked(address indexed worker, uint256 amount, uint256 stake);
    event UnbondRequested(address indexed worker, uint256 amount, uint256 readyAt);
    event Unbonded(address indexed worker, uint256 amount);
    event Slashed(address indexed worker, uint256 amount, uint256 stake);

    error ZeroAddress();
    error ZeroAmount();
    error MarketAlreadySet();
    error NotMarket(address caller);
    error NotRegistered(address worker);
    error BadPeerId();
    error PeerIdTaken(address owner);
    error StakeLocked(uint256 free, uint256 requested);
    error InsufficientStake(uint256 stake, uint256 requested);
    error UnbondingNotReady(uint256 readyAt);
    error NothingToWithdraw();
    error TransferMismatch(uint256 expected, uint256 received);

    modifier onlyMarket() {
        if (msg.sender != market) revert NotMarket(msg.sender);
        _;
    }

    constructor(IERC20 token_, uint32 unbondingDelay_, address governance) Ownable(governance) {
        if (address(token_) == address(0)) revert ZeroAddress();
        token = token_;
        unbondingDelay = unbondingDelay_;
    }

    // ---------------------------------------------------------------- governance

    /// @notice Connects the job market. Once only, so governance can never redirect stakes.
    function setMarket(address market_) external onlyOwner {
        if (market != address(0)) revert MarketAlreadySet();
        if (market_ == address(0)) revert ZeroAddress();
        market = market_;
        emit MarketSet(market_);
    }

    /// @notice Makes a registered worker a trusted partner, or returns it to the global tier.
    function setTier(address worker, Tier tier) external onlyOwner {
        Worker storage w = _workers[worker];
        if (!w.registered) revert NotRegistered(worker);
        w.tier = tier;
        emit TierChanged(worker, tier);
    }

    // ---------------------------------------------------------------- workers

    /// @notice The exact bytes the worker's peer key signs to bind itself to `worker`.
    function bindingMessage(address worker) public view returns (bytes memory) {
        return abi.encodePacked("rynus:worker-binding:v1", block.chainid, address(this), worker);
    }

    /// @notice Binds (or re-binds, after a key rotation) the caller to `peerId`.
    /// @param peerSignature the peer key's signature over `bindingMessage(msg.sender)`.
    function register(bytes calldata peerId, bytes calldata peerSignature) external nonReentrant {
        if (peerId.length == 0 || peerId.length > MAX_PEER_ID_LENGTH) revert BadPeerId();
        bytes32 key = keccak256(peerId);
        address owner_ = _workerOfPeer[key];
        if (owner_ != address(0) && owner_ != msg.sender) revert PeerIdTaken(owner_);

        Worker storage w = _workers[msg.sender];
        if (w.registered) delete _workerOfPeer[keccak256(_peerIds[msg.sender])];
        w.registered = true;
        _peerIds[msg.sender] = peerId;
        _workerOfPeer[key] = msg.sender;
        emit WorkerBound(msg.sender, peerId, peerSignature);
    }

    /// @notice Adds `amount` to the caller's stake. Fee-on-transfer tokens are refused.
    function stake(uint96 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Worker storage w = _workers[msg.sender];
        if (!w.registered) revert NotRegistered(msg.sender);
        w.stake += amount;
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert TransferMismatch(amount, received);
        emit Staked(msg.sender, amount, w.stake);
    }

    /// @notice Starts unbonding `amount` of free (unlocked) stake; restarts the delay for the
    /// whole unbonding amount.
    function requestUnbond(uint96 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Worker storage w = _workers[msg.sender];
        uint256 locked = market == address(0) ? 0 : ICollateralLedger(market).lockedCollateral(msg.sender);
        uint256 free = w.stake > locked ? w.stake - locked : 0;
        if (amount > free) revert StakeLocked(free, amount);
        w.stake -= amount;
        w.unbonding += amount;
        uint40 readyAt = uint40(block.timestamp) + unbondingDelay;
        w.unbondingReadyAt = readyAt;
        emit UnbondRequested(msg.sender, amount, readyAt);
    }

    /// @notice Pays out the caller's unbonded stake once the delay has passed.
    function withdrawUnbonded() external nonReentrant {
        Worker storage w = _workers[msg.sender];
        uint96 amount = w.unbonding;
        if (amount == 0) revert NothingToWithdraw();
        if (block.timestamp < w.unbondingReadyAt) revert UnbondingNotReady(w.unbondingReadyAt);
        w.unbonding = 0;
        token.safeTransfer(msg.sender, amount);
        emit Unbonded(msg.sender, amount);
    }

    // ---------------------------------------------------------------- market

    /// @inheritdoc IWorkerRegistry
    function slash(address worker, uint96 amount) external onlyMarket nonReentrant {
        Worker storage w = _workers[worker];
        if (amount > w.stake) revert InsufficientStake(w.stake, amount);
        w.stake -= amount;
        token.safeTransfer(msg.sender, amount);
        emit Slashed(worker, amount, w.stake);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IWorkerRegistry
    function workerInfo(address worker) external view returns (bool registered, Tier tier, uint96 stake_) {
        Worker storage w = _workers[worker];
        return (w.registered, w.tier, w.stake);
    }

    /// @notice The full record of `worker`, including the bound peer id.
    function getWorker(address worker) external view returns (Worker memory record, bytes memory peerId) {
        return (_workers[worker], _peerIds[worker]);
    }

    /// @notice The worker bound to `peerId`, or the zero address.
    function workerOfPeer(bytes calldata peerId) external view returns (address) {
        return _workerOfPeer[keccak256(peerId)];
    }
}

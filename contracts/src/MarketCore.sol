// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IWorkerRegistry} from "./IWorkerRegistry.sol";
import {MarketLedger} from "./MarketLedger.sol";

/// @title MarketCore
/// @notice The market's parameters and records, the two ways a task ends (paid or unwound), and
/// the read-only views. JobMarket and MarketDisputes drive the transitions.
///
/// Ids carry their owner, so no storage read is needed to know it, and the requester chooses them,
/// so creating a job or a task is idempotent: a resent transaction (after a crash, a replaced
/// transaction or a reorg) finds the id taken and reverts instead of escrowing twice.
///   jobId  = requester << 64 | nonce   (nonce: any 64-bit number the requester has not used)
///   taskId = jobId << 32 | index       (index: any 32-bit number not used in this job)
abstract contract MarketCore is MarketLedger {
    uint256 internal constant BPS = 10_000;
    uint16 public constant MAX_FEE_BPS = 1_000;

    IWorkerRegistry public immutable registry;
    uint16 public immutable feeBps;
    uint16 public immutable collateralBps;
    uint32 public immutable challengeWindow;
    uint32 public immutable disputeWindow;
    uint8 public immutable quorum;

    mapping(uint256 jobId => Job) internal _jobs;
    mapping(uint256 taskId => Task) internal _tasks;
    mapping(uint256 taskId => mapping(address validator => bool)) internal _voted;

    constructor(IERC20 token_, IWorkerRegistry registry_, address treasury_, MarketConfig memory config)
        MarketLedger(token_, treasury_)
    {
        if (address(registry_) == address(0)) revert ZeroAddress();
        if (address(registry_.token()) != address(token_)) revert BadConfig();
        if (config.feeBps > MAX_FEE_BPS || config.collateralBps > BPS || config.quorum == 0) revert BadConfig();
        if (config.challengeWindow == 0 || config.disputeWindow == 0) revert BadConfig();
        registry = registry_;
        feeBps = config.feeBps;
        collateralBps = config.collateralBps;
        challengeWindow = config.challengeWindow;
        disputeWindow = config.disputeWindow;
        quorum = config.quorum;
    }

    // ---------------------------------------------------------------- views

    function getJob(uint256 jobId) external view returns (Job memory) {
        return _jobs[jobId];
    }

    function getTask(uint256 taskId) external view returns (Task memory) {
        return _tasks[taskId];
    }

    /// @notice The requester of a job or task, read from its id.
    function requesterOf(uint256 jobId) external pure returns (address) {
        return _requesterOfJob(jobId);
    }

    function taskIdOf(uint256 jobId, uint32 index) external pure returns (uint256) {
        return jobId << 32 | index;
    }

    function hasVoted(uint256 taskId, address validator) external view returns (bool) {
        return _voted[taskId][validator];
    }

    /// @notice Collateral a global-tier worker locks for a task of `price`.
    function collateralFor(uint256 price) external view returns (uint256) {
        return _collateral(price);
    }

    // ---------------------------------------------------------------- internals

    function _requireRequester(uint256 taskId) internal view {
        if (msg.sender != _requesterOfTask(taskId)) revert NotRequester(msg.sender);
    }

    function _requesterOfJob(uint256 jobId) internal pure returns (address) {
        return address(uint160(jobId >> 64));
    }

    function _requesterOfTask(uint256 taskId) internal pure returns (address) {
        return address(uint160(taskId >> 96));
    }

    function _collateral(uint256 price) internal view returns (uint256) {
        return price * collateralBps / BPS;
    }

    /// Pays the task: price minus fee to the worker's balance, fee to the treasury, collateral
    /// unlocked. Callers have checked that the task is Committed or Challenged.
    function _release(uint256 taskId, Task storage t) internal {
        address worker = t.worker;
        uint256 price = t.price;
        uint256 fee = price * feeBps / BPS;
        uint256 payout = price - fee;
        t.state = TaskState.Released;
        Account storage a = _accounts[worker];
        a.withdrawable += uint128(payout);
        if (t.collateralized) a.locked -= uint96(_collateral(price));
        --a.openTasks;
        feesOwed += uint96(fee);
        emit TaskReleased(taskId, worker, payout, fee);
    }

    function _reject(uint256 taskId, Task storage t) internal {
        emit TaskRejected(taskId, _unwind(taskId, t, TaskState.Rejected));
    }

    /// Ends an unpaid task in `finalState`: its price returns to the job's budget and locked
    /// collateral is slashed from the worker's stake to the requester's balance.
    function _unwind(uint256 taskId, Task storage t, TaskState finalState) internal returns (uint256 slashed) {
        uint96 price = t.price;
        TaskState from = t.state;
        t.state = finalState;
        _jobs[taskId >> 32].available += price;
        if (from == TaskState.Assigned) return 0;
        Account storage a = _accounts[t.worker];
        --a.openTasks;
        if (!t.collateralized) return 0;
        uint96 collateral = uint96(_collateral(price));
        a.locked -= collateral;
        slashed = _slashTo(t.worker, collateral, _requesterOfTask(taskId));
    }

    /// Slashes `amount` of `worker`'s registry stake into the market and credits what arrived to
    /// `to`'s balance; returns that amount.
    function _slashTo(address worker, uint96 amount, address to) internal returns (uint256 slashed) {
        uint256 before = token.balanceOf(address(this));
        registry.slash(worker, amount);
        // Credit exactly what arrived, so the ledger always matches the balance.
        slashed = token.balanceOf(address(this)) - before;
        _accounts[to].withdrawable += uint128(slashed);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IWorkerRegistry} from "./IWorkerRegistry.sol";
import {MarketCore} from "./MarketCore.sol";
import {MarketDisputes} from "./MarketDisputes.sol";

/// @title JobMarket
/// @notice Escrow and settlement for Rynus jobs.
///
/// A requester escrows a budget for a job with a deadline. Each awarded task reserves its price
/// from that budget. The worker accepts (a global-tier worker locks collateral, part of its
/// registry stake, proportional to the price), commits a digest of its result, and is paid when
/// the requester accepts, or by anyone once the challenge window has passed; a challenged result
/// goes to validators (MarketDisputes). A worker that misses its deadline loses its collateral to
/// the requester and the price returns to the job. Unspent budget is refundable. Payouts are
/// pull-based (MarketLedger). Records, ids and the settlement internals are in MarketCore.
contract JobMarket is MarketDisputes {
    constructor(IERC20 token_, IWorkerRegistry registry_, address treasury_, MarketConfig memory config, address governance)
        MarketCore(token_, registry_, treasury_, config)
        Ownable(governance)
    {}

    // ---------------------------------------------------------------- requester

    /// @notice Escrows `budget` (approved beforehand) for a new job due by `deadline`, under the
    /// id `msg.sender << 64 | nonce`.
    function createJob(uint64 nonce, uint96 budget, uint40 deadline) external nonReentrant returns (uint256 jobId) {
        return _createJob(nonce, budget, deadline);
    }

    /// @notice `createJob` with an EIP-2612 permit instead of a prior approval. A permit that was
    /// already used (e.g. front-run) is ignored; the transfer then needs the allowance to exist.
    function createJobWithPermit(
        uint64 nonce,
        uint96 budget,
        uint40 deadline,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 jobId) {
        try IERC20Permit(address(token)).permit(msg.sender, address(this), budget, permitDeadline, v, r, s) {} catch {}
        return _createJob(nonce, budget, deadline);
    }

    /// @notice Awards task `index` of `jobId` to `worker` for `price`, to be committed by `dueAt`.
    function addTask(uint256 jobId, uint32 index, address worker, uint96 price, uint40 dueAt)
        external
        nonReentrant
        returns (uint256 taskId)
    {
        Job storage job = _jobs[jobId];
        if (msg.sender != _requesterOfJob(jobId)) revert NotRequester(msg.sender);
        if (job.deadline == 0) revert UnknownJob(jobId);
        if (worker == address(0)) revert ZeroAddress();
        if (price == 0) revert ZeroAmount();
        uint96 available = job.available;
        if (price > available) revert InsufficientBudget(available, price);
        if (dueAt <= block.timestamp || dueAt > job.deadline) revert BadDeadline(dueAt);
        taskId = jobId << 32 | index;
        Task storage t = _tasks[taskId];
        if (t.state != TaskState.None) revert TaskExists(taskId);
        job.available = available - price;
        ++job.taskCount;
        _tasks[taskId] = Task({
            worker: worker,
            dueAt: dueAt,
            state: TaskState.Assigned,
            collateralized: false,
            upVotes: 0,
            downVotes: 0,
            price: price,
            digest: bytes20(0)
        });
        emit TaskAdded(taskId, jobId, worker, price, dueAt);
    }

    /// @notice Withdraws a task the worker has not accepted yet; its price returns to the job.
    function cancelTask(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        _requireRequester(taskId);
        if (t.state != TaskState.Assigned) revert WrongState(taskId, t.state);
        _unwind(taskId, t, TaskState.Cancelled);
        emit TaskCancelled(taskId);
    }

    /// @notice Accepts a committed result and pays the worker, before or after the window.
    function acceptResult(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        _requireRequester(taskId);
        if (t.state != TaskState.Committed) revert WrongState(taskId, t.state);
        _release(taskId, t);
    }

    /// @notice Ends an accepted task whose worker stopped part-way (e.g. it delivered k of a
    /// training task's n epochs as checkpoints the requester stored) and pays the delivered part.
    /// The worker is credited `payout` minus the protocol fee (a `TaskReleased` event); the rest
    /// of the price, `price - payout`, returns to the job's budget, and the task's collateral is
    /// unlocked in full. Nothing is slashed: the requester alone decides the amount, so a slash
    /// here would let a requester take an honest worker's collateral mid-task. A worker that
    /// delivered nothing is left to `expireTask` after its due time, which slashes as before.
    /// Only before a result is committed: a committed result is accepted or challenged instead.
    /// The task ends in PartlyPaid (`TaskCut` event).
    /// @param payout the part of the task's price owed for the delivered work: more than 0, at
    /// most the price.
    function settlePartial(uint256 taskId, uint96 payout) external nonReentrant {
        Task storage t = _tasks[taskId];
        _requireRequester(taskId);
        if (t.state != TaskState.Accepted) revert WrongState(taskId, t.state);
        uint96 price = t.price;
        if (payout == 0) revert ZeroAmount();
        if (payout > price) revert PayoutAbovePrice(price, payout);
        address worker = t.worker;
        t.state = TaskState.PartlyPaid;
        uint96 refunded = price - payout;
        if (refunded != 0) _jobs[taskId >> 32].available += refunded;
        Account storage a = _accounts[worker];
        if (t.collateralized) a.locked -= uint96(_collateral(price));
        --a.openTasks;
        uint256 fee = uint256(payout) * feeBps / BPS;
        a.withdrawable += uint128(payout - fee);
        feesOwed += uint96(fee);
        emit TaskReleased(taskId, worker, payout - fee, fee);
        emit TaskCut(taskId, refunded);
    }

    /// @notice Moves the job's unspent budget to the requester's balance. The requester may do
    /// this at any time; after the job's deadline anyone may.
    function refundUnspent(uint256 jobId) external nonReentrant {
        Job storage job = _jobs[jobId];
        if (job.deadline == 0) revert UnknownJob(jobId);
        address requester = _requesterOfJob(jobId);
        if (msg.sender != requester && block.timestamp <= job.deadline) revert NotRequester(msg.sender);
        uint96 amount = job.available;
        if (amount == 0) revert ZeroAmount();
        job.available = 0;
        _accounts[requester].withdrawable += amount;
        emit BudgetRefunded(jobId, requester, amount);
    }

    // ---------------------------------------------------------------- worker

    /// @notice Takes an assigned task. A global-tier worker locks collateral from its stake.
    function acceptTask(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        if (t.state != TaskState.Assigned) revert WrongState(taskId, t.state);
        if (msg.sender != t.worker) revert NotWorker(msg.sender);
        if (block.timestamp > t.dueAt) revert TooLate(t.dueAt);
        (bool registered, IWorkerRegistry.Tier tier, uint96 stake) = registry.workerInfo(msg.sender);
        if (!registered) revert NotRegistered(msg.sender);
        Account storage a = _accounts[msg.sender];
        uint256 collateral;
        if (tier == IWorkerRegistry.Tier.Global) {
            collateral = _collateral(t.price);
            if (collateral != 0) {
                uint256 locked = a.locked;
                uint256 free = stake > locked ? stake - locked : 0;
                if (collateral > free) revert InsufficientStake(free, collateral);
                a.locked = uint96(locked + collateral);
                t.collateralized = true;
            }
        }
        ++a.openTasks;
        t.state = TaskState.Accepted;
        emit TaskAccepted(taskId, msg.sender, collateral);
    }

    /// @notice Commits the digest of the task's result (e.g. keccak256 of the output CID) before
    /// the deadline; the challenge window starts.
    function commitResult(uint256 taskId, bytes32 digest) external nonReentrant {
        Task storage t = _tasks[taskId];
        if (t.state != TaskState.Accepted) revert WrongState(taskId, t.state);
        if (msg.sender != t.worker) revert NotWorker(msg.sender);
        if (block.timestamp > t.dueAt) revert TooLate(t.dueAt);
        if (digest == bytes32(0)) revert EmptyDigest();
        uint40 challengeEnd = uint40(block.timestamp) + challengeWindow;
        t.state = TaskState.Committed;
        t.dueAt = challengeEnd;
        t.digest = bytes20(digest);
        emit ResultCommitted(taskId, digest, challengeEnd);
    }

    // ---------------------------------------------------------------- anyone

    /// @notice Pays a committed task whose challenge window has passed.
    function release(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        if (t.state != TaskState.Committed) revert WrongState(taskId, t.state);
        if (block.timestamp < t.dueAt) revert TooEarly(t.dueAt);
        _release(taskId, t);
    }

    /// @notice Pays many committed tasks in one transaction: those whose window has passed, and
    /// (for their requester) any committed task. Tasks that are not payable by the caller, such
    /// as ones already paid, are skipped, so a resent batch never pays twice.
    /// @return released how many tasks this call paid.
    function settleBatch(uint256[] calldata taskIds) external nonReentrant returns (uint256 released) {
        for (uint256 i; i < taskIds.length; ++i) {
            uint256 taskId = taskIds[i];
            Task storage t = _tasks[taskId];
            if (t.state != TaskState.Committed) continue;
            if (block.timestamp < t.dueAt && msg.sender != _requesterOfTask(taskId)) continue;
            _release(taskId, t);
            ++released;
        }
    }

    /// @notice Ends a task whose worker missed the deadline: the price returns to the job and a
    /// global-tier worker's collateral goes to the requester.
    function expireTask(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        TaskState state = t.state;
        if (state != TaskState.Assigned && state != TaskState.Accepted) revert WrongState(taskId, state);
        if (block.timestamp <= t.dueAt) revert TooEarly(t.dueAt + 1);
        emit TaskExpired(taskId, _unwind(taskId, t, TaskState.Expired));
    }

    // ---------------------------------------------------------------- internals

    function _createJob(uint64 nonce, uint96 budget, uint40 deadline) private returns (uint256 jobId) {
        if (budget == 0) revert ZeroAmount();
        if (deadline <= block.timestamp) revert BadDeadline(deadline);
        jobId = uint256(uint160(msg.sender)) << 64 | nonce;
        Job storage job = _jobs[jobId];
        if (job.deadline != 0) revert JobExists(jobId);
        job.available = budget;
        job.deadline = deadline;
        _pull(msg.sender, budget);
        emit JobCreated(jobId, msg.sender, budget, deadline);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IWorkerRegistry} from "./IWorkerRegistry.sol";
import {MarketLedger} from "./MarketLedger.sol";

/// @title JobMarket
/// @notice Escrow and settlement for Rynus jobs.
///
/// A requester escrows a budget for a job with a deadline. Each awarded task reserves its price
/// from that budget. The worker accepts (a global-tier worker locks collateral, part of its
/// registry stake, proportional to the price), commits a digest of its result, and is paid when
/// the requester accepts, or by anyone once the challenge window has passed. A challenged result
/// is decided by a quorum of trusted validators, or, failing a quorum, by the majority of the votes
/// cast when the dispute window ends (a tie pays the worker). A worker that misses its deadline
/// loses its collateral to the requester and the price returns to the job. Unspent budget is
/// refundable. Payouts are pull-based (see MarketLedger).
///
/// Ids carry their owner, so no storage read is needed to know it, and the requester chooses them,
/// so creating a job or a task is idempotent: a resent transaction (after a crash, a replaced
/// transaction or a reorg) finds the id taken and reverts instead of escrowing twice.
///   jobId  = requester << 64 | nonce   (nonce: any 64-bit number the requester has not used)
///   taskId = jobId << 32 | index       (index: any 32-bit number not used in this job)
contract JobMarket is MarketLedger {
    uint256 private constant BPS = 10_000;
    uint16 public constant MAX_FEE_BPS = 1_000;

    IWorkerRegistry public immutable registry;
    uint16 public immutable feeBps;
    uint16 public immutable collateralBps;
    uint32 public immutable challengeWindow;
    uint32 public immutable disputeWindow;
    uint8 public immutable quorum;

    mapping(uint256 jobId => Job) private _jobs;
    mapping(uint256 taskId => Task) private _tasks;
    mapping(uint256 taskId => mapping(address validator => bool)) private _voted;

    constructor(IERC20 token_, IWorkerRegistry registry_, address treasury_, MarketConfig memory config, address governance)
        MarketLedger(token_, treasury_)
        Ownable(governance)
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

    /// @notice Disputes a committed result within the challenge window; validators decide.
    function challenge(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        _requireRequester(taskId);
        if (t.state != TaskState.Committed) revert WrongState(taskId, t.state);
        if (block.timestamp >= t.dueAt) revert TooLate(t.dueAt);
        uint40 disputeEnd = uint40(block.timestamp) + disputeWindow;
        t.state = TaskState.Challenged;
        t.dueAt = disputeEnd;
        emit TaskChallenged(taskId, disputeEnd);
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

    /// @notice Settles a dispute after its window: rejected if more validators found the result
    /// wrong than right, paid otherwise.
    function resolveDispute(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        if (t.state != TaskState.Challenged) revert WrongState(taskId, t.state);
        if (block.timestamp < t.dueAt) revert TooEarly(t.dueAt);
        if (t.downVotes > t.upVotes) _reject(taskId, t);
        else _release(taskId, t);
    }

    // ---------------------------------------------------------------- validators

    /// @notice A trusted partner's verdict on a challenged result. `quorum` matching votes
    /// settle the dispute at once. The task's worker and requester may not vote.
    function vote(uint256 taskId, bool resultCorrect) external nonReentrant {
        Task storage t = _tasks[taskId];
        if (t.state != TaskState.Challenged) revert WrongState(taskId, t.state);
        if (block.timestamp >= t.dueAt) revert TooLate(t.dueAt);
        (bool registered, IWorkerRegistry.Tier tier,) = registry.workerInfo(msg.sender);
        if (!registered || tier != IWorkerRegistry.Tier.Trusted) revert NotValidator(msg.sender);
        if (msg.sender == t.worker || msg.sender == _requesterOfTask(taskId)) revert NotValidator(msg.sender);
        if (_voted[taskId][msg.sender]) revert AlreadyVoted(msg.sender);
        _voted[taskId][msg.sender] = true;
        emit VoteCast(taskId, msg.sender, resultCorrect);
        if (resultCorrect) {
            if (++t.upVotes >= quorum) _release(taskId, t);
        } else if (++t.downVotes >= quorum) {
            _reject(taskId, t);
        }
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

    function _requireRequester(uint256 taskId) private view {
        if (msg.sender != _requesterOfTask(taskId)) revert NotRequester(msg.sender);
    }

    function _requesterOfJob(uint256 jobId) private pure returns (address) {
        return address(uint160(jobId >> 64));
    }

    function _requesterOfTask(uint256 taskId) private pure returns (address) {
        return address(uint160(taskId >> 96));
    }

    function _collateral(uint256 price) private view returns (uint256) {
        return price * collateralBps / BPS;
    }

    /// Pays the task: price minus fee to the worker's balance, fee to the treasury, collateral
    /// unlocked. Callers have checked that the task is Committed or Challenged.
    function _release(uint256 taskId, Task storage t) private {
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

    function _reject(uint256 taskId, Task storage t) private {
        emit TaskRejected(taskId, _unwind(taskId, t, TaskState.Rejected));
    }

    /// Ends an unpaid task in `finalState`: its price returns to the job's budget and locked
    /// collateral is slashed from the worker's stake to the requester's balance.
    function _unwind(uint256 taskId, Task storage t, TaskState finalState) private returns (uint256 slashed) {
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
        uint256 before = token.balanceOf(address(this));
        registry.slash(t.worker, collateral);
        // Credit exactly what arrived, so the ledger always matches the balance.
        slashed = token.balanceOf(address(this)) - before;
        _accounts[_requesterOfTask(taskId)].withdrawable += uint128(slashed);
    }
}

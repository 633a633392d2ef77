// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Types, events and errors of the job market. Amounts are token base units; times are
/// unix seconds.
interface IJobMarket {
    /// A task's life. Released, Cancelled, Expired, Rejected and PartlyPaid are final: a task is
    /// paid at most once, either in full by moving from Committed or Challenged to Released, or
    /// for its delivered part by moving from Accepted to PartlyPaid.
    enum TaskState {
        None,
        Assigned, // added by the requester with its price; price is reserved from the job
        Accepted, // the worker took it (a global-tier worker's collateral is locked)
        Committed, // the worker committed its result digest; the challenge window runs
        Challenged, // the requester disputed the result; validators vote
        Released, // paid to the worker (minus the protocol fee)
        Cancelled, // withdrawn by the requester before the worker accepted it
        Expired, // the worker missed its deadline; price back to the job, collateral slashed
        Rejected, // validators rejected the result; price back to the job, collateral slashed
        PartlyPaid // the worker stopped part-way; the requester paid the delivered part (settlePartial)
    }

    /// Immutable market parameters, fixed at deployment.
    struct MarketConfig {
        uint16 feeBps; // protocol fee on each paid task, in basis points (at most 10%)
        uint16 collateralBps; // collateral a global-tier worker locks, in basis points of the price
        uint32 challengeWindow; // seconds the requester has to challenge a committed result
        uint32 disputeWindow; // seconds validators have to vote on a challenged result
        uint8 quorum; // matching validator votes that decide a dispute early
    }

    /// One storage slot. The requester is not stored: it is part of the job id.
    struct Job {
        uint96 available; // escrowed budget not yet reserved by a task
        uint40 deadline; // no task may be due later; after it anyone may refund the unspent budget
        uint32 taskCount; // tasks added so far
    }

    /// Two storage slots: [worker | dueAt | state | collateralized | votes] and [price | digest].
    struct Task {
        address worker;
        uint40 dueAt; // Assigned/Accepted: commit deadline; Committed: end of challenge window;
        // Challenged: end of dispute window
        TaskState state;
        bool collateralized; // collateral = price * collateralBps / 10000 is locked
        uint8 upVotes; // validators who found the result correct
        uint8 downVotes; // validators who found it wrong
        uint96 price;
        bytes20 digest; // first 20 bytes of the committed result digest (full digest in the event)
    }

    /// One storage slot per account.
    struct Account {
        uint128 withdrawable; // pull payments owed to the account
        uint96 locked; // registry stake of this worker locked as collateral by its open tasks
        uint32 openTasks; // tasks this worker accepted that are not settled yet
    }

    event JobCreated(uint256 indexed jobId, address indexed requester, uint256 budget, uint256 deadline);
    event TaskAdded(uint256 indexed taskId, uint256 indexed jobId, address indexed worker, uint256 price, uint256 dueAt);
    event TaskCancelled(uint256 indexed taskId);
    event TaskAccepted(uint256 indexed taskId, address indexed worker, uint256 collateral);
    event ResultCommitted(uint256 indexed taskId, bytes32 digest, uint256 challengeEnd);
    event TaskChallenged(uint256 indexed taskId, uint256 disputeEnd);
    event VoteCast(uint256 indexed taskId, address indexed validator, bool resultCorrect);
    event TaskReleased(uint256 indexed taskId, address indexed worker, uint256 payout, uint256 fee);
    event TaskExpired(uint256 indexed taskId, uint256 slashed);
    event TaskRejected(uint256 indexed taskId, uint256 slashed);
    /// The unpaid part of a task settled by `settlePartial`: `refunded` of its price went back to
    /// the job's budget (the worker's collateral is unlocked, not slashed). The paid part is in
    /// the `TaskReleased` event of the same transaction.
    event TaskCut(uint256 indexed taskId, uint256 refunded);
    event BudgetRefunded(uint256 indexed jobId, address indexed requester, uint256 amount);
    event Withdrawn(address indexed account, address indexed to, uint256 amount);
    event FeesWithdrawn(address indexed treasury, uint256 amount);
    event TreasuryChanged(address indexed treasury);

    error ZeroAddress();
    error ZeroAmount();
    error BadConfig();
    error BadDeadline(uint256 deadline);
    error UnknownJob(uint256 jobId);
    error NotRequester(address caller);
    error NotWorker(address caller);
    error NotTreasury(address caller);
    error NotValidator(address caller);
    error NotRegistered(address worker);
    error WrongState(uint256 taskId, TaskState state);
    error TooEarly(uint256 until);
    error TooLate(uint256 deadline);
    error InsufficientBudget(uint256 available, uint256 needed);
    error InsufficientStake(uint256 free, uint256 needed);
    error InsufficientBalance(uint256 available, uint256 requested);
    error JobExists(uint256 jobId);
    error TaskExists(uint256 taskId);
    error AlreadyVoted(address validator);
    error EmptyDigest();
    error TransferMismatch(uint256 expected, uint256 received);
    error PayoutAbovePrice(uint256 price, uint256 payout);
}

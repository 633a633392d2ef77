// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IWorkerRegistry} from "./IWorkerRegistry.sol";
import {MarketCore} from "./MarketCore.sol";

/// @title MarketDisputes
/// @notice A requester may challenge a committed result within the challenge window. Trusted
/// partners other than the task's worker and requester vote; `quorum` matching votes decide at
/// once. When the dispute window ends without a quorum, more "wrong" than "correct" votes reject
/// the result, otherwise the worker is paid: payment never depends on the requester alone.
abstract contract MarketDisputes is MarketCore {
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

    /// @notice Settles a dispute after its window: rejected if more validators found the result
    /// wrong than right, paid otherwise.
    function resolveDispute(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        if (t.state != TaskState.Challenged) revert WrongState(taskId, t.state);
        if (block.timestamp < t.dueAt) revert TooEarly(t.dueAt);
        if (t.downVotes > t.upVotes) _reject(taskId, t);
        else _release(taskId, t);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice What the job market needs from the worker registry.
interface IWorkerRegistry {
    /// Global: anyone who registered; posts collateral per task. Trusted: a partner that
    /// governance vouches for; no per-task collateral and eligible to vote in disputes.
    enum Tier {
        Global,
        Trusted
    }

    /// @notice The staking token; the market must settle in the same token.
    function token() external view returns (IERC20);

    /// @notice Registration, tier and active stake (stake that is not unbonding) of `worker`.
    function workerInfo(address worker) external view returns (bool registered, Tier tier, uint96 stake);

    /// @notice Moves `amount` of `worker`'s stake to the market. Only the market may call it.
    function slash(address worker, uint96 amount) external;
}

/// @notice What the worker registry needs from the job market: how much of a worker's stake
/// currently backs open tasks, so that it cannot be unbonded.
interface ICollateralLedger {
    function lockedCollateral(address worker) external view returns (uint256);
}

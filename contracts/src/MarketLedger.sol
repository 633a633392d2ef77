// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IJobMarket} from "./IJobMarket.sol";
import {ICollateralLedger} from "./IWorkerRegistry.sol";

/// @title MarketLedger
/// @notice The money side of the job market: per-account pull balances, locked collateral, the
/// protocol fee owed to the treasury, and the only places tokens enter or leave the market.
/// Nothing is ever pushed to a participant: settlement credits `withdrawable`, and each account
/// withdraws its own balance, so a recipient that cannot receive tokens blocks only itself.
abstract contract MarketLedger is IJobMarket, ICollateralLedger, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    IERC20 public immutable token;

    // One slot: who receives protocol fees, and how much is owed to it.
    address public treasury;
    uint96 public feesOwed;

    mapping(address account => Account) internal _accounts;

    constructor(IERC20 token_, address treasury_) {
        if (address(token_) == address(0) || treasury_ == address(0)) revert ZeroAddress();
        token = token_;
        treasury = treasury_;
    }

    /// @notice Points protocol fees (including those already owed) at a new treasury.
    function setTreasury(address treasury_) external onlyOwner {
        if (treasury_ == address(0)) revert ZeroAddress();
        treasury = treasury_;
        emit TreasuryChanged(treasury_);
    }

    /// @notice Pays `amount` of the caller's balance to the caller.
    function withdraw(uint256 amount) external nonReentrant {
        _withdraw(msg.sender, amount);
    }

    /// @notice Pays `amount` of the caller's balance to `to` (e.g. when the caller itself cannot
    /// receive the token).
    function withdrawTo(address to, uint256 amount) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        _withdraw(to, amount);
    }

    /// @notice Pays the owed protocol fees to the treasury. Only the treasury may pull them.
    function withdrawFees() external nonReentrant {
        address to = treasury;
        if (msg.sender != to) revert NotTreasury(msg.sender);
        uint256 amount = feesOwed;
        if (amount == 0) revert ZeroAmount();
        feesOwed = 0;
        token.safeTransfer(to, amount);
        emit FeesWithdrawn(to, amount);
    }

    /// @notice Balance owed to `account` and its stake locked as collateral.
    function accountOf(address account) external view returns (Account memory) {
        return _accounts[account];
    }

    /// @inheritdoc ICollateralLedger
    function lockedCollateral(address worker) external view returns (uint256) {
        return _accounts[worker].locked;
    }

    function _withdraw(address to, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        Account storage a = _accounts[msg.sender];
        uint256 balance = a.withdrawable;
        if (amount > balance) revert InsufficientBalance(balance, amount);
        a.withdrawable = uint128(balance - amount);
        token.safeTransfer(to, amount);
        emit Withdrawn(msg.sender, to, amount);
    }

    /// Takes exactly `amount` from `from`; a token that delivers less (fee on transfer) is refused.
    function _pull(address from, uint256 amount) internal {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert TransferMismatch(amount, received);
    }
}
